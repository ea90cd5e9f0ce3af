package feed

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Decode returns body as UTF-8.
//
// gofeed only honours the XML declaration's encoding, and trusts it, so a
// feed served as ISO-8859-1 by HTTP header, written in UTF-16, or labelled
// with the wrong charset comes out garbled or not at all. Decode picks the
// encoding in this order:
//
//  1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//  2. the charset parameter of the HTTP Content-Type;
//  3. the encoding attribute of the XML declaration;
//  4. sniffing: UTF-16 by its zero bytes, UTF-8 when the bytes are (mostly)
//     UTF-8, else an HTML <meta> charset (for pages), else windows-1252,
//     the most common legacy encoding of feeds.
//
// A label from 2 or 3 is only believed when the bytes agree with it, because
// feeds lie: a "utf-16" label on a document without zero bytes is ignored (it
// is really UTF-8 or a legacy 8-bit encoding), a "utf-8" label on bytes that
// are not UTF-8 is ignored, and a legacy label (iso-8859-1, windows-1251,
// gb2312...) on bytes that are valid UTF-8 with non-ASCII characters is
// ignored: long text in a legacy encoding is practically never valid UTF-8
// by accident. Labels are resolved as the WHATWG Encoding Standard says
// (golang.org/x/net/html/charset), so iso-8859-1, latin1 and us-ascii decode
// as windows-1252, as browsers do.
//
// The XML declaration's encoding attribute is rewritten to UTF-8 so that
// gofeed does not decode the result a second time. Invalid sequences become
// U+FFFD. When body needs no change, Decode returns it as is (no copy).
func Decode(body []byte, contentType string) ([]byte, error) {
	enc, name, skip := chooseEncoding(body, contentType)
	src := body[skip:]
	out := src
	if enc != nil {
		var err error
		out, err = enc.NewDecoder().Bytes(src)
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return rewriteDeclEncoding(out), nil
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}

	utf16LE = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf16BE = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
)

// chooseEncoding says how to decode body: enc nil means UTF-8; skip is the
// length of a byte order mark to drop.
func chooseEncoding(body []byte, contentType string) (enc encoding.Encoding, name string, skip int) {
	switch {
	case bytes.HasPrefix(body, bomUTF8):
		return nil, "utf-8", len(bomUTF8)
	case bytes.HasPrefix(body, bomUTF16LE):
		return utf16LE, "utf-16le", len(bomUTF16LE)
	case bytes.HasPrefix(body, bomUTF16BE):
		return utf16BE, "utf-16be", len(bomUTF16BE)
	}
	for _, label := range [...]string{contentTypeCharset(contentType), declaredEncoding(body)} {
		if enc, name, ok := believeLabel(label, body); ok {
			return enc, name, 0
		}
	}
	enc, name = sniffEncoding(body)
	return enc, name, 0
}

// believeLabel resolves a charset label and says whether the bytes agree
// with it (see Decode).
func believeLabel(label string, body []byte) (encoding.Encoding, string, bool) {
	if label == "" {
		return nil, "", false
	}
	enc, name := charset.Lookup(label)
	if enc == nil || enc == encoding.Replacement {
		return nil, "", false
	}
	switch {
	case name == "utf-8":
		return nil, name, utf8.Valid(body)
	case strings.HasPrefix(name, "utf-16"):
		// The label does not say the byte order reliably (WHATWG reads
		// "utf-16" as little-endian); the zero bytes do.
		enc, name, ok := utf16ByZeros(body)
		return enc, name, ok
	case utf8.Valid(body) && !isASCII(body):
		return nil, "", false
	}
	return enc, name, true
}

// sniffEncoding guesses without a (believable) label.
func sniffEncoding(body []byte) (encoding.Encoding, string) {
	if enc, name, ok := utf16ByZeros(body); ok {
		return enc, name
	}
	if utf8.Valid(body) || mostlyUTF8(body) {
		return nil, "utf-8"
	}
	// An HTML page (page completion decodes those too) may name its
	// charset in <meta>; the HTML prescan finds it, and otherwise answers
	// windows-1252.
	enc, name, _ := charset.DetermineEncoding(body[:min(len(body), 1024)], "")
	if enc == nil || enc == encoding.Replacement || name == "utf-8" {
		return charmap.Windows1252, "windows-1252"
	}
	return enc, name
}

// utf16ByZeros recognises UTF-16 without a byte order mark: a feed starts
// with an ASCII character ('<' or white space), which UTF-16 writes with a
// zero byte on one side (XML 1.0 appendix F).
func utf16ByZeros(body []byte) (encoding.Encoding, string, bool) {
	if len(body) < 4 {
		return nil, "", false
	}
	switch {
	case body[0] != 0 && body[1] == 0 && body[2] != 0 && body[3] == 0:
		return utf16LE, "utf-16le", true
	case body[0] == 0 && body[1] != 0 && body[2] == 0 && body[3] != 0:
		return utf16BE, "utf-16be", true
	}
	return nil, "", false
}

// mostlyUTF8 reports whether body has more well-formed multi-byte UTF-8
// sequences than stray bytes: a UTF-8 feed with a few damaged bytes, rather
// than a legacy encoding where nearly every non-ASCII byte is invalid UTF-8.
func mostlyUTF8(body []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(body); {
		if body[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	return valid > invalid
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// contentTypeCharset is the charset parameter of an HTTP Content-Type.
func contentTypeCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// declEncodingRE finds the encoding attribute inside an XML declaration.
var declEncodingRE = regexp.MustCompile(`encoding\s*=\s*(?:"([^"]*)"|'([^']*)')`)

// maxDeclLen bounds the search for the XML declaration's end: a declaration
// is short, and the search must not scan a large feed that has none.
const maxDeclLen = 512

// xmlDecl locates the XML declaration at the start of b (after white space)
// and its encoding value: b[vs:ve]. ok is false when there is no
// declaration or it has no encoding attribute.
func xmlDecl(b []byte) (vs, ve int, ok bool) {
	start := len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
	if !bytes.HasPrefix(b[start:], []byte("<?xml")) {
		return 0, 0, false
	}
	window := b[start:min(len(b), start+maxDeclLen)]
	end := bytes.Index(window, []byte("?>"))
	if end < 0 {
		return 0, 0, false
	}
	m := declEncodingRE.FindSubmatchIndex(window[:end])
	if m == nil {
		return 0, 0, false
	}
	if m[2] >= 0 {
		return start + m[2], start + m[3], true
	}
	return start + m[4], start + m[5], true
}

// declaredEncoding is the XML declaration's encoding label, if any.
func declaredEncoding(b []byte) string {
	vs, ve, ok := xmlDecl(b)
	if !ok {
		return ""
	}
	return strings.TrimSpace(string(b[vs:ve]))
}

// rewriteDeclEncoding makes the XML declaration of the (UTF-8) document b say
// UTF-8, so that encoding/xml, which gofeed uses, does not run a charset
// reader over text that is already decoded.
func rewriteDeclEncoding(b []byte) []byte {
	vs, ve, ok := xmlDecl(b)
	if !ok || strings.EqualFold(string(b[vs:ve]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b)-(ve-vs)+5)
	out = append(out, b[:vs]...)
	out = append(out, "UTF-8"...)
	return append(out, b[ve:]...)
}
