package config

import (
	"fmt"
	"log/slog"
)

// Secret holds a credential. It prints as [redacted] through fmt (every
// verb), slog and JSON, so a secret cannot reach a log line, an error or a
// panic by accident; Value is the one way to read it.
type Secret string

const redacted = "[redacted]"

// Value returns the secret itself, for the code that sends it to a network.
func (s Secret) Value() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// Format covers every fmt verb, %x and %q included, which would otherwise
// bypass String.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
