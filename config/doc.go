package config

import (
	"reflect"
	"strings"
)

// Field describes one variable, for the README's reference table and error
// messages.
type Field struct {
	Var     string
	Field   string
	Default string
	Help    string
	Secret  bool
}

// Fields lists every variable, read from the struct tags: the one source of
// truth for names, defaults and help text. Account variables are listed for
// the first account of each network.
func Fields() []Field {
	var out []Field
	out = appendFields(out, reflect.TypeFor[Config](), "")
	out = appendFields(out, reflect.TypeFor[XAccount](), "X_")
	out = appendFields(out, reflect.TypeFor[MastodonAccount](), "MASTODON_")
	out = appendFields(out, reflect.TypeFor[BlueskyAccount](), "BLUESKY_")
	return out
}

func appendFields(out []Field, t reflect.Type, prefix string) []Field {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, Field{
			Var:     prefix + name,
			Field:   f.Name,
			Default: f.Tag.Get("envDefault"),
			Help:    f.Tag.Get("help"),
			Secret:  f.Type == reflect.TypeFor[Secret](),
		})
	}
	return out
}
