package publisher

import (
	"errors"
	"testing"
	"unicode/utf8"
)

func TestDefaultRules(t *testing.T) {
	t.Parallel()
	text := "Her https://example-films.blog/reviews/her 👨‍👩‍👧‍👦 千"
	tests := []struct {
		rules                 Rules
		limit, maxBytes, want int
		short, card           bool
	}{
		{DefaultRules(X), 280, 0, 3 + 1 + 23 + 1 + 2 + 1 + 2, false, false},
		{DefaultRules(Mastodon), 500, 0, 3 + 1 + 23 + 1 + 1 + 1 + 1, false, false},
		{MastodonRules(1000, 30), 1000, 0, 3 + 1 + 30 + 1 + 1 + 1 + 1, false, false},
		{DefaultRules(Bluesky), 300, 3000, 3 + 1 + 38 + 1 + 1 + 1 + 1, true, true},
	}
	for _, tt := range tests {
		r := tt.rules
		if r.Limit != tt.limit || r.MaxBytes != tt.maxBytes || r.ShortLinks != tt.short || r.Card != tt.card {
			t.Errorf("%s: rules %+v", r.Network, r)
		}
		if got := r.Count(text); got != tt.want {
			t.Errorf("%s (limit %d): count %d, want %d", r.Network, r.Limit, got, tt.want)
		}
	}
}

// TestStrictRules: the strict count is never less than the network's own
// nor than the text's code points with links in full, so a post refused by
// a server that counts otherwise fits it on the second fit.
func TestStrictRules(t *testing.T) {
	t.Parallel()
	texts := []string{
		"Her https://example-films.blog/reviews/her-2013-spike-jonze-a-love-story",
		"x.co/a 千と千尋",
		"e\u0301e\u0301 👨‍👩‍👧‍👦",
	}
	for _, n := range Networks {
		r := DefaultRules(n)
		s := StrictRules(r)
		if s.LineAdditive || s.URLLength != 0 || s.Limit != r.Limit || s.MaxBytes != r.MaxBytes || s.ShortLinks != r.ShortLinks {
			t.Errorf("%s: StrictRules = %+v from %+v", n, s, r)
		}
		for _, text := range texts {
			got := s.Count(text)
			if want := max(r.Count(text), utf8.RuneCountInString(text)); got != want {
				t.Errorf("%s: strict Count(%q) = %d, want %d", n, text, got, want)
			}
		}
	}
}

func TestRefusedTooLong(t *testing.T) {
	t.Parallel()
	inner := errors.New("createRecord answered InvalidRequest")
	e := RefusedTooLong(&Error{Kind: Transient, Network: Bluesky, Account: "bluesky:@films", Status: 400,
		Message: "Record/text must not be longer than 300 graphemes", Err: inner})
	if !errors.Is(e, ErrRefusedTooLong) || !errors.Is(e, inner) || KindOf(e) != Permanent {
		t.Errorf("RefusedTooLong = %v (kind %s); want permanent, ErrRefusedTooLong and the cause in its chain", e, e.Kind)
	}
	want := "bluesky:@films: HTTP 400: Record/text must not be longer than 300 graphemes: " +
		"createRecord answered InvalidRequest (refused for its length)"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if e := RefusedTooLong(&Error{Network: X, Account: "x:@films", Status: 400}); !errors.Is(e, ErrRefusedTooLong) {
		t.Errorf("without a cause: %v", e)
	}
}
