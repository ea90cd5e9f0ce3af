package publisher

import (
	"testing"
	"text/template"

	"github.com/reelpost/reelpost/review"
)

// TestPlainTemplateMatchesTextTemplate runs every template the plain
// executor takes through both executors, over reviews at every stage of
// fitting, and wants the same text from each.
func TestPlainTemplateMatchesTextTemplate(t *testing.T) {
	t.Parallel()
	templates := []struct{ name, text string }{
		{"built-in x", defaultXTemplate},
		{"built-in mastodon", defaultMastodonTemplate},
		{"numbers and flags", "{{.Title}} ({{.RuntimeMinutes}} min, repost {{.Repost}})\n{{with .RuntimeMinutes}}{{.}}m{{end}}"},
		{"negated with", "{{with not .Rating}}unrated: {{.}}{{else}}{{.Rating}}{{end}}"},
		{"else chains", "{{if .Genres}}G {{.GenreList}}{{else if .Cast}}C {{.CastList}}{{else}}none{{end}}" +
			"{{with .Director}}by {{.}}{{else with .Writer}}written by {{.}}{{end}}"},
		{"lists as conditions", "{{with .Tags}}tagged{{end}}{{if not .SeeAlso}} alone{{end}}{{if .Cast}}{{with .Author}} {{.}}{{end}}{{end}}"},
		{"comments and trims", "{{/* a comment */}}{{- .Title -}}   \n  {{.TrailerID}} {{.Link}} {{.TrailerURL}} {{.Hashtags}}"},
	}
	reviews := map[string]review.Review{"her": herReview(), "long": longReview(), "emoji-cjk": emojiCJKReview(), "sample": sampleReview(), "empty": {Title: "T"}}
	for _, tt := range templates {
		tmpl := template.Must(template.New(tt.name).Funcs(templateFuncs).Parse(tt.text))
		plain := compilePlain(tmpl)
		if plain == nil {
			t.Fatalf("%s: compilePlain refused a plain template", tt.name)
		}
		for name, rv := range reviews {
			for _, repost := range []bool{false, true} {
				d := newTemplateData(rv, repost)
				steps := dropSteps(d)
				for level := 0; level <= len(steps); level++ {
					x := d
					for _, step := range steps[:level] {
						step(&x)
					}
					for _, summary := range []string{x.Summary, "Short.", ""} {
						x.Summary = summary
						want, err := execute(tmpl, &x)
						if err != nil {
							t.Fatalf("%s on %s: %v", tt.name, name, err)
						}
						if got := plain.execute(&x); got != want {
							t.Errorf("%s on %s, level %d, repost %v:\nplain %q\ntext/template %q", tt.name, name, level, repost, got, want)
						}
					}
				}
			}
		}
	}
}

// TestCompilePlainRefusesTheRest checks that templates beyond the plain
// subset are left to text/template, and still render.
func TestCompilePlainRefusesTheRest(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text string }{
		{"function", `{{.Title}} {{join .Genres " / "}} {{.Link}}`},
		{"pipeline", `{{.Title | printf "%s!"}} {{.Link}}`},
		{"range", `{{.Title}}{{range .Tags}} #{{.}}{{end}} {{.Link}}`},
		{"variable", `{{$t := .Title}}{{$t}} {{$.Link}}`},
		{"chained field", `{{.Title}} {{.Published.Year}} {{.Link}}`},
		{"print a list", `{{.Title}} {{.Genres}} {{.Link}}`},
		{"dot at the root", `{{.Title}} {{.Link}}{{if false}}{{.}}{{end}}`},
		{"field inside with", `{{.Link}}{{with .Director}}{{.Title}}{{end}}`},
		{"nested template", `{{define "t"}}{{.Title}}{{end}}{{template "t" .}} {{.Link}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl := template.Must(template.New(tt.name).Funcs(templateFuncs).Parse(tt.text))
			if compilePlain(tmpl) != nil {
				t.Fatalf("compilePlain took %q", tt.text)
			}
		})
	}
	// A refused template renders through text/template.
	r, err := NewRenderer(Templates{Default: `{{.Title}}{{range .Tags}} #{{.}}{{end}} {{.Link}}`})
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Render(DefaultRules(Mastodon), herReview(), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Her #Her #Romance #Drama #ScienceFiction https://example-films.blog/reviews/her"; p.Text != want {
		t.Errorf("text %q, want %q", p.Text, want)
	}
}
