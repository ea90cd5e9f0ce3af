package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// TestDecodeFixtureFeeds parses the small feeds in testdata/encoding, one per
// way a feed's encoding reaches us (or fails to), and checks the titles a
// reader would see.
func TestDecodeFixtureFeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		file        string
		contentType string
		channel     string
		item        string
		description string
	}{
		{
			name: "iso-8859-1 declared", file: "iso-8859-1.xml",
			channel: "Critique de cinéma", item: "Amélie: naïve, café crème",
			description: "Jean-Pierre Jeunet, 2001 - très bien",
		},
		{
			name: "windows-1252 euro and smart quotes", file: "windows-1252.xml",
			channel: "Film “Notes”", item: "€5 rental: “Heat” – don’t miss it",
			description: "Mann’s best… so far",
		},
		{
			name: "utf-16le with bom", file: "utf-16le-bom.xml",
			channel: "Kinokritik", item: "Crème brûlée – 東京物語",
			description: "Ozu’s “Tokyo Story”",
		},
		{
			name: "utf-16be with bom", file: "utf-16be-bom.xml",
			channel: "Kinokritik", item: "Die Blechtrommel – Schlöndorff",
			description: "Grass’ Roman, 1979",
		},
		{
			name: "declared utf-16 but utf-8 bytes", file: "declared-utf16-actually-utf8.xml",
			channel: "Hong Kong cinema", item: "Wong Kar-wai’s 花樣年華",
			description: "In the Mood for Love — 2000",
		},
		{
			name: "declared latin1 but utf-8 bytes", file: "declared-latin1-actually-utf8.xml",
			channel: "Ciné-club", item: "Amélie’s Paris — 5 ★",
			description: "Audrey Tautou, Mathieu Kassovitz",
		},
		{
			name: "declared latin1 but utf-8 bytes, header says latin1 too", file: "declared-latin1-actually-utf8.xml",
			contentType: "application/rss+xml; charset=ISO-8859-1",
			channel:     "Ciné-club", item: "Amélie’s Paris — 5 ★",
			description: "Audrey Tautou, Mathieu Kassovitz",
		},
		{
			name: "charset only in the http header", file: "charset-in-header-only.xml",
			contentType: "text/xml; charset=windows-1251",
			channel:     "Кинообзор", item: "Сталкер (1979)", description: "Тарковский",
		},
		{
			name: "charset only in the http header, quoted and upper case", file: "charset-in-header-only.xml",
			contentType: `application/rss+xml; charset="WINDOWS-1251"`,
			channel:     "Кинообзор", item: "Сталкер (1979)", description: "Тарковский",
		},
		{
			name: "no declaration, latin1 bytes", file: "no-decl-latin1.xml",
			channel: "Les critiques", item: "Les Misérables, été 1985",
			description: "Adaptation réussie, façon Hossein",
		},
		{
			name: "no declaration, latin1 bytes, server claims utf-8", file: "no-decl-latin1.xml",
			contentType: "application/xml; charset=utf-8",
			channel:     "Les critiques", item: "Les Misérables, été 1985",
			description: "Adaptation réussie, façon Hossein",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join("testdata", "encoding", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(tc.file, body, tc.contentType)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if f.Title != tc.channel {
				t.Errorf("channel title = %q, want %q", f.Title, tc.channel)
			}
			if len(f.Items) != 1 {
				t.Fatalf("got %d items, want 1", len(f.Items))
			}
			if got := f.Items[0].Title; got != tc.item {
				t.Errorf("item title = %q, want %q", got, tc.item)
			}
			if got := f.Items[0].Description; got != tc.description {
				t.Errorf("item description = %q, want %q", got, tc.description)
			}
		})
	}
}

// TestDecodeWithoutHeaderMisreadsHeaderOnlyCharset shows the header is what
// makes the windows-1251 fixture readable: without it the bytes are not
// Cyrillic to anyone.
func TestDecodeWithoutHeaderMisreadsHeaderOnlyCharset(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile(filepath.Join("testdata", "encoding", "charset-in-header-only.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("charset-in-header-only.xml", body, "")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if f.Items[0].Title == "Сталкер (1979)" {
		t.Fatalf("title decoded as Cyrillic without any label: the fixture does not test the header")
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	utf16le := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8)) // BMP-only test strings
		}
		return b
	}
	utf16be := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r>>8), byte(r))
		}
		return b
	}
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
	}{
		{
			name: "plain utf-8 unchanged",
			body: []byte(`<?xml version="1.0" encoding="UTF-8"?><rss>Brûlée</rss>`),
			want: `<?xml version="1.0" encoding="UTF-8"?><rss>Brûlée</rss>`,
		},
		{
			name: "utf-8 bom dropped",
			body: append([]byte{0xEF, 0xBB, 0xBF}, `<rss>Brûlée</rss>`...),
			want: `<rss>Brûlée</rss>`,
		},
		{
			name:        "bom beats the header",
			body:        append([]byte{0xEF, 0xBB, 0xBF}, `<rss>Brûlée</rss>`...),
			contentType: "text/xml; charset=windows-1251",
			want:        `<rss>Brûlée</rss>`,
		},
		{
			name: "latin1 declaration rewritten to utf-8",
			body: []byte("<?xml version='1.0' encoding='iso-8859-1' standalone='yes'?><rss>Caf\xe9</rss>"),
			want: "<?xml version='1.0' encoding='UTF-8' standalone='yes'?><rss>Café</rss>",
		},
		{
			name: "latin1 label decodes 0x80-0x9f as windows-1252",
			body: []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>\x93Heat\x94 \x80 \x97</rss>"),
			want: `<?xml version="1.0" encoding="UTF-8"?><rss>“Heat” € —</rss>`,
		},
		{
			name:        "http header charset beats the declaration",
			body:        []byte("<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss>Caf\xe9</rss>"),
			contentType: "text/xml; charset=windows-1252",
			want:        `<?xml version="1.0" encoding="UTF-8"?><rss>Café</rss>`,
		},
		{
			name:        "declaration used when the header has no charset",
			body:        []byte("<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss>\xd1\xf2\xe0\xeb\xea\xe5\xf0</rss>"),
			contentType: "application/rss+xml",
			want:        `<?xml version="1.0" encoding="UTF-8"?><rss>Сталкер</rss>`,
		},
		{
			name: "utf-16le without bom, by its zero bytes",
			body: utf16le(`<?xml version="1.0" encoding="utf-16"?><rss>東京物語</rss>`),
			want: `<?xml version="1.0" encoding="UTF-8"?><rss>東京物語</rss>`,
		},
		{
			name: "utf-16be without bom, label says utf-16 (little-endian to WHATWG)",
			body: utf16be(`<?xml version="1.0" encoding="utf-16"?><rss>東京物語</rss>`),
			want: `<?xml version="1.0" encoding="UTF-8"?><rss>東京物語</rss>`,
		},
		{
			name:        "utf-16 in the header but the bytes are utf-8",
			body:        []byte(`<rss>Amélie</rss>`),
			contentType: "application/xml; charset=utf-16",
			want:        `<rss>Amélie</rss>`,
		},
		{
			name:        "unknown label ignored",
			body:        []byte(`<?xml version="1.0" encoding="x-made-up"?><rss>Amélie</rss>`),
			contentType: "text/xml; charset=nonsense",
			want:        `<?xml version="1.0" encoding="UTF-8"?><rss>Amélie</rss>`,
		},
		{
			name: "mostly utf-8 with one damaged byte stays utf-8",
			body: []byte("<rss>Amélie \xff naïve café</rss>"),
			want: "<rss>Amélie \uFFFD naïve café</rss>",
		},
		{
			name: "gb2312 declaration",
			body: []byte("<?xml version=\"1.0\" encoding=\"gb2312\"?><rss>\xbd\xa8\xb9\xfa</rss>"),
			want: `<?xml version="1.0" encoding="UTF-8"?><rss>建国</rss>`,
		},
		{
			name: "html page with a meta charset and no header",
			body: []byte("<!DOCTYPE html><html><head><meta charset=\"shift_jis\"><title>\x93\x8c\x8b\x9e\x95\xa8\x8c\xea</title>"),
			want: `<!DOCTYPE html><html><head><meta charset="shift_jis"><title>東京物語</title>`,
		},
		{
			name:        "html page, header charset beats meta",
			body:        []byte("<html><head><meta charset=\"shift_jis\"><title>Caf\xe9</title>"),
			contentType: "text/html; charset=iso-8859-1",
			want:        `<html><head><meta charset="shift_jis"><title>Café</title>`,
		},
		{
			name:        "json feed with charset parameter",
			body:        []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"Ciné"}`),
			contentType: "application/feed+json; charset=utf-8",
			want:        `{"version":"https://jsonfeed.org/version/1.1","title":"Ciné"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode(tc.body, tc.contentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("Decode =\n %q\nwant\n %q", got, tc.want)
			}
			if !utf8.Valid(got) {
				t.Errorf("Decode returned invalid UTF-8: %q", got)
			}
		})
	}
}

// TestDecodeNoCopy: a UTF-8 feed that needs nothing is not copied, which is
// what keeps parsing a 10 MiB feed from doubling its memory.
func TestDecodeNoCopy(t *testing.T) {
	t.Parallel()
	body := []byte(`<?xml version="1.0" encoding="utf-8"?><rss><channel><title>Brûlée</title></channel></rss>`)
	got, err := Decode(body, "application/rss+xml; charset=UTF-8")
	if err != nil {
		t.Fatal(err)
	}
	if &got[0] != &body[0] || len(got) != len(body) {
		t.Errorf("Decode copied a document that needed no change")
	}
	if !bytes.Equal(got, body) {
		t.Errorf("Decode changed %q into %q", body, got)
	}
}

// FuzzDecode: Decode never fails and always returns valid UTF-8.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss>Caf\xe9</rss>"), "")
	f.Add([]byte("\xff\xfe<\x00r\x00"), "text/xml; charset=utf-16")
	f.Add([]byte("<?xml version='1.0' encoding='gb2312'?>\xbd\xa8"), "text/xml; charset=shift_jis")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, err := Decode(body, contentType)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out of %q", body)
		}
	})
}
