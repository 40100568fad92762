#!/usr/bin/env python3
"""Parses XML documents with expat (the Python standard library's parser): an oracle for
RoleKit's XMLReader.

Reads a JSON array of base64 documents on stdin and writes a JSON array: for each document,
null when it is refused, else its tree {"name", "text", "children"}.

RoleKit's policy on top of well-formedness is applied here the same way, from its description
rather than its code: a document type declaration, any processing instruction, or an encoding
declaration other than UTF-8 refuses the document; the input must be valid UTF-8. Element names
are qualified names as written (no namespace processing). An element's text is all character
data directly inside it; when it has children, XML white space is stripped from both ends.
"""
import base64
import json
import sys
import xml.parsers.expat


class Refused(Exception):
    pass


def parse(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    parser = xml.parsers.expat.ParserCreate()
    stack, result = [], []

    def start(name, attributes):
        stack.append({"name": name, "text": "", "children": []})

    def end(name):
        node = stack.pop()
        if node["children"]:
            node["text"] = node["text"].strip(" \t\r\n")
        (stack[-1]["children"] if stack else result).append(node)

    def characters(text):
        if stack:
            stack[-1]["text"] += text

    def declaration(version, encoding, standalone):
        if encoding is not None and encoding.lower() != "utf-8":
            raise Refused()

    def refuse(*args):
        raise Refused()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = refuse
    parser.ProcessingInstructionHandler = refuse
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except (xml.parsers.expat.ExpatError, Refused):
        return None
    return result[0] if result else None


documents = [base64.b64decode(item) for item in json.load(sys.stdin)]
json.dump([parse(document) for document in documents], sys.stdout)
