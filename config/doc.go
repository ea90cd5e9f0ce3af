package config

import (
	"reflect"
)

// Field describes one variable, for the README's reference table and error
// messages.
type Field struct {
	Var     string
	Field   string
	Default string
	Help    string
	Secret  bool
	// File: the variable may also come from a file, NAME_FILE (every
	// secret, and the templates).
	File bool
}

// Fields lists every variable, read from the struct tags: the one source of
// truth for names, defaults and help text. Account variables are listed for
// the first account of each network, numbered feeds' for FEED_2.
func Fields() []Field {
	out := appendFields(nil, typeConfig.t, "")
	for _, g := range groups {
		prefix := g.name + "_"
		if !g.unnumbered {
			prefix = g.name + "_2_"
		}
		out = appendFields(out, g.typ, prefix)
	}
	return out
}

func appendFields(out []Field, t reflect.Type, prefix string) []Field {
	for i := range t.NumField() {
		f := t.Field(i)
		name := envName(f)
		if name == "" || !f.IsExported() {
			continue
		}
		out = append(out, Field{
			Var:     prefix + name,
			Field:   f.Name,
			Default: f.Tag.Get("envDefault"),
			Help:    f.Tag.Get("help"),
			Secret:  f.Type == reflect.TypeFor[Secret](),
			File:    isFileable(f),
		})
	}
	return out
}
