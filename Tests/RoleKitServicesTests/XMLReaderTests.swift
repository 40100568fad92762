import Foundation
import RoleKitServices
import RoleKitTesting
import RoleKitTestSupport
import Testing

/// `XMLNode.parse` (RoleKit's own bounded XML reader) against expat, Python's standard-library
/// parser (`scripts/reference/xml_tree.py`), on hand-made edge cases, the STS fuzz seeds and
/// every saved fuzz finding: each document must be refused by both or give the same tree.
@Suite("XML reader")
struct XMLReaderTests {
    /// Well-formed and malformed documents, each probing one rule.
    static let cases: [String] = [
        // Accepted.
        "<a>x</a>",
        "<a/>",
        "<a></a>",
        "<a >x</a >",
        "<?xml version=\"1.0\"?><a>x</a>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x</a>\n",
        "<?xml version='1.0' encoding='utf-8' standalone='yes'?><a/>",
        "\u{FEFF}<a>bom</a>",
        "<a xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><b>1</b></a>",
        "<ns:a xmlns:ns=\"urn:x\"><ns:b>1</ns:b></ns:a>",
        "<a b='1' c=\"2\" d = \"3\">x</a>",
        "<a b=\"&lt;&amp;&#65;\"/>",
        "<a>&lt;&gt;&amp;&quot;&apos;</a>",
        "<a>&#65;&#x42;&#x1F600;&#0065;</a>",
        "<a><![CDATA[<not> & markup]]></a>",
        "<a>one<![CDATA[two]]>three</a>",
        "<a>x<!-- c -->y</a>",
        "<!-- before --><a/><!-- after -->",
        "<a>\r\nline\rtwo\r\n</a>",
        "<a><![CDATA[x\r\ny\rz]]></a>",
        "<a>\n  <b>1</b>\n  <c>2</c>\n</a>",
        "<a>\n  text\n  <b>1</b>\n</a>",
        "<a>  spaces  </a>",
        "<a><b><c><d>deep</d></c></b></a>",
        "<a><b/><b>2</b><b>3</b></a>",
        "<Élément>ü</Élément>",
        "<a>日本語 🚀</a>",
        "<a-b.c_d:e>x</a-b.c_d:e>",
        "<_a>x</_a>",
        "<a>&#13;</a>",
        "<a>]</a>",
        "<a>]]</a>",
        "<a>></a>",
        "<a>x</a>\n\n",
        // Refused: structure.
        "",
        "   ",
        "x",
        "<a>",
        "<a>x</b>",
        "<a><b></a></b>",
        "<a/><b/>",
        "<a/>x",
        "x<a/>",
        "<a>x</a></a>",
        "</a>",
        "<1a/>",
        "<-a/>",
        "<a b/>",
        "<a b=1/>",
        "<a b=\"1\"c=\"2\"/>",
        "<a b=\"1\" b=\"2\"/>",
        "<a b=\"<\"/>",
        "<a b=\"1/>",
        "< a/>",
        "<a>x</ a>",
        // Refused: references, text and comments.
        "<a>&unknown;</a>",
        "<a>&amp</a>",
        "<a>& b</a>",
        "<a>&#;</a>",
        "<a>&#x;</a>",
        "<a>&#0;</a>",
        "<a>&#xD800;</a>",
        "<a>&#x110000;</a>",
        "<a>&#99999999999;</a>",
        "<a>&#12a;</a>",
        "<a>]]></a>",
        "<a><![CDATA[x</a>",
        "<a><!-- x -- y --></a>",
        "<a><!-- x ---></a>",
        "<a><!-- x</a>",
        "<a>\u{1}</a>",
        "<a>\u{FFFE}</a>",
        "<a\u{0}/>",
        // Refused by policy: DTDs, processing instructions, other encodings.
        "<!DOCTYPE a><a/>",
        "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
        "<?xml version=\"1.0\"?><!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>",
        "<?pi x?><a/>",
        "<a><?pi x?></a>",
        "<a/><?pi?>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>",
        " <?xml version=\"1.0\"?><a/>",
        "<a/><?xml version=\"1.0\"?>",
    ]

    /// Byte sequences a string literal cannot hold: invalid UTF-8 in names, text and attributes.
    static let rawCases: [[UInt8]] = [
        Array("<a>".utf8) + [0xFF] + Array("</a>".utf8),
        Array("<".utf8) + [0xC3] + Array("/>".utf8),
        Array("<a b=\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"/>".utf8),
        [0xFE, 0xFF, 0x00, 0x3C, 0x00, 0x61, 0x00, 0x2F, 0x00, 0x3E],
    ]

    struct Tree: Decodable, Equatable {
        var name: String
        var text: String
        var children: [Tree]

        init(name: String, text: String, children: [Tree]) {
            self.name = name
            self.text = text
            self.children = children
        }

        init(_ node: XMLNode) {
            self.init(name: node.name, text: node.text, children: node.children.map(Tree.init))
        }
    }

    static func files(in folder: String) -> [[UInt8]] {
        let directory = TestEnvironment.repositoryRoot.appendingPathComponent(folder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: directory.appendingPathComponent($0).path).map { Array($0) } }
    }

    @Test("Every document gives the tree expat gives, or is refused by both")
    func matchesExpat() async throws {
        let seeds = Self.files(in: "Fuzz/Corpus/sts-xml")
        let regressions = Self.files(in: "Tests/Fixtures/fuzz-regressions/sts-xml")
        #expect(seeds.count >= 5)
        let documents = Self.cases.map { Array($0.utf8) } + Self.rawCases + seeds + regressions
        let input = try JSONEncoder().encode(documents.map { Data($0).base64EncodedString() })
        let result = try await Subprocess.runAsync([TestEnvironment.python, TestEnvironment.referenceScript("xml_tree.py")], stdin: Array(input))
        try #require(result.status == 0, "xml_tree.py failed: \(result.stderr)")
        let expected = try JSONDecoder().decode([Tree?].self, from: Data(result.stdout))
        try #require(expected.count == documents.count)
        var accepted = 0
        for (document, reference) in zip(documents, expected) {
            let ours = XMLNode.parse(document).map(Tree.init)
            #expect(ours == reference, "document \(String(decoding: document.prefix(120), as: UTF8.self).debugDescription)")
            if reference != nil { accepted += 1 }
        }
        // Both kinds are present, so neither "always refuse" nor "always accept" passes.
        #expect(accepted >= 35)
        #expect(documents.count - accepted >= 40)
    }

    @Test("Depth, element count and size are bounded")
    func bounds() {
        let deep = String(repeating: "<a>", count: XMLNode.maximumDepth) + String(repeating: "</a>", count: XMLNode.maximumDepth)
        #expect(XMLNode.parse(Array(deep.utf8)) != nil)
        let tooDeep = String(repeating: "<a>", count: XMLNode.maximumDepth + 1) + String(repeating: "</a>", count: XMLNode.maximumDepth + 1)
        #expect(XMLNode.parse(Array(tooDeep.utf8)) == nil)
        let many = "<r>" + String(repeating: "<b/>", count: XMLNode.maximumNodes - 1) + "</r>"
        #expect(XMLNode.parse(Array(many.utf8))?.children.count == XMLNode.maximumNodes - 1)
        let tooMany = "<r>" + String(repeating: "<b/>", count: XMLNode.maximumNodes) + "</r>"
        #expect(XMLNode.parse(Array(tooMany.utf8)) == nil)
        let large = "<a>" + String(repeating: "x", count: XMLNode.maximumBytes - 7) + "</a>"
        #expect(XMLNode.parse(Array(large.utf8))?.text.count == XMLNode.maximumBytes - 7)
        let tooLarge = "<a>" + String(repeating: "x", count: XMLNode.maximumBytes - 6) + "</a>"
        #expect(XMLNode.parse(Array(tooLarge.utf8)) == nil)
        // A million unclosed comments or CDATA openers is refused in one pass, not quadratically.
        let openers = String(repeating: "<!--", count: 200_000)
        #expect(XMLNode.parse(Array(("<a>" + openers).utf8)) == nil)
    }
}
