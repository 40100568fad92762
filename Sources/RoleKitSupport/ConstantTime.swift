/// Comparisons whose time does not depend on where two secrets differ (signatures, tokens).
package enum ConstantTime {
    /// Whether `a` and `b` hold the same UTF-8 bytes; the time depends only on their lengths.
    package static func equals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
