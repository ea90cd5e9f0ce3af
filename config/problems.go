package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with the configuration: the variable at fault
// and what is wrong with it.
type Problem struct {
	Var string
	Err error
	// named: Err's message already starts with Var, as a sentence
	// ("MASTADON_SERVER is not a reelpost variable; ...").
	named bool
}

func (p *Problem) Error() string {
	if p.named || p.Var == "" {
		return p.Err.Error()
	}
	return p.Var + ": " + p.Err.Error()
}

func (p *Problem) Unwrap() error { return p.Err }

func problemf(name, format string, a ...any) *Problem {
	return &Problem{Var: name, Err: fmt.Errorf(format, a...)}
}

// Problems is every problem Load found, ordered by variable. Its message puts
// each on a line of its own.
type Problems []*Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// sorted orders by variable, then message, so that the same configuration
// always gives the same report (files and names are found in map order).
func (ps Problems) sorted() Problems {
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b *Problem) int {
		return cmp.Or(strings.Compare(a.Var, b.Var), strings.Compare(a.Error(), b.Error()))
	})
	return out
}
