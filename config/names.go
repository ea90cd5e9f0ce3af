package config

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A group is a family of numbered variables. An account's first of a network
// uses the plain names (MASTODON_SERVER) and further ones a number after the
// network's name (MASTODON_2_SERVER); feeds of their own are numbered from 2
// (FEED_2_URL), FEED_URLS being the first.
type group struct {
	name string // "MASTODON"
	typ  reflect.Type
	// unnumbered: the first member uses the plain names.
	unnumbered bool
	what       string // "account", "feed"
}

var (
	groupX        = group{"X", reflect.TypeFor[XAccount](), true, "account"}
	groupMastodon = group{"MASTODON", reflect.TypeFor[MastodonAccount](), true, "account"}
	groupBluesky  = group{"BLUESKY", reflect.TypeFor[BlueskyAccount](), true, "account"}
	groupFeed     = group{"FEED", reflect.TypeFor[NumberedFeed](), false, "feed"}
	groups        = []group{groupX, groupMastodon, groupBluesky, groupFeed}
)

// prefixes returns "NET_" (when the first member is unnumbered) and every
// "NET_<n>_" that some variable uses, in numeric order. Only the canonical
// spelling of a number counts (2, not 02): checkNames refuses the others.
func (g group) prefixes(environ map[string]string) []string {
	nums := map[int]bool{}
	for k := range environ {
		if _, n, _, ok := g.numbered(k); ok && n >= 2 {
			nums[n] = true
		}
	}
	var out []string
	if g.unnumbered {
		out = append(out, g.name+"_")
	}
	for _, n := range slices.Sorted(maps.Keys(nums)) {
		out = append(out, fmt.Sprintf("%s_%d_", g.name, n))
	}
	return out
}

// numbered splits NET_<digits>_REST. n is the number when digits are its
// canonical spelling, else -1.
func (g group) numbered(name string) (digits string, n int, rest string, ok bool) {
	after, ok := strings.CutPrefix(name, g.name+"_")
	if !ok {
		return "", 0, "", false
	}
	digits, rest, ok = strings.Cut(after, "_")
	if !ok || digits == "" || rest == "" || strings.Trim(digits, "0123456789") != "" {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || strconv.Itoa(n) != digits {
		n = -1
	}
	return digits, n, rest, true
}

// structType maps a struct's fields to their variables.
type structType struct{ t reflect.Type }

var typeConfig = structType{reflect.TypeFor[Config]()}

// varOf maps a field name to its variable (without a group's prefix), for
// env.ParseError, which names the field.
func (s structType) varOf(field string) string {
	if f, ok := s.t.FieldByName(field); ok {
		if name := envName(f); name != "" {
			return name
		}
	}
	return field
}

func envName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// isFileable: the variable may come from NAME_FILE.
func isFileable(f reflect.StructField) bool {
	return f.Type == reflect.TypeFor[Secret]() || f.Tag.Get("file") == "true"
}

// vars maps each variable of t to whether it may come from a file.
func vars(t reflect.Type, prefix string, into map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name := envName(f); name != "" && f.IsExported() {
			into[prefix+name] = isFileable(f)
		}
	}
}

// plainVars maps every variable without a member number to whether it may
// come from a file: Config's, and the first accounts'.
func plainVars() map[string]bool {
	m := map[string]bool{}
	vars(typeConfig.t, "", m)
	for _, g := range groups {
		if g.unnumbered {
			vars(g.typ, g.name+"_", m)
		}
	}
	return m
}

// member reports whether rest (after NET_<n>_) is one of the group's
// variables, and whether it may come from a file.
func (g group) member(rest string) (known, file bool) {
	m := map[string]bool{}
	vars(g.typ, "", m)
	file, known = m[rest]
	return known, file
}

// known reports whether name is one of reelpost's variables, numbered and
// NAME_FILE forms included.
func known(name string) bool {
	plain := plainVars()
	if _, ok := plain[name]; ok {
		return true
	}
	if base, ok := strings.CutSuffix(name, FileSuffix); ok && plain[base] {
		return true
	}
	for _, g := range groups {
		_, n, rest, ok := g.numbered(name)
		if !ok || n < 2 {
			continue
		}
		if k, _ := g.member(rest); k {
			return true
		}
		if base, ok := strings.CutSuffix(rest, FileSuffix); ok {
			if k, f := g.member(base); k && f {
				return true
			}
		}
	}
	return false
}

// Known reports whether name is one of reelpost's variables: a documented
// one (Fields), a numbered account's or feed's (MASTODON_2_SERVER,
// FEED_3_URL), or the NAME_FILE form of one that may come from a file.
func Known(name string) bool { return known(name) }

// fileable reports whether name (without _FILE) may come from a file.
func fileable(name string) bool {
	if f, ok := plainVars()[name]; ok {
		return f
	}
	for _, g := range groups {
		if _, n, rest, ok := g.numbered(name); ok && n >= 2 {
			if k, f := g.member(rest); k {
				return f
			}
		}
	}
	return false
}

// foreignVars are not reelpost's though they start like its variables, and
// reelpost honours them: Go's net/http reads them (http.ProxyFromEnvironment).
var foreignVars = map[string]bool{"HTTP_PROXY": true, "HTTPS_PROXY": true, "NO_PROXY": true}

// serviceLink matches the variables Kubernetes puts in every container for
// each Service of its namespace (a "mastodon" or "bluesky-pds" Service beside
// reelpost gives MASTODON_PORT, BLUESKY_PDS_SERVICE_HOST, ...):
// https://kubernetes.io/docs/concepts/services-networking/service/#environment-variables.
// None of reelpost's variables ends so.
var serviceLink = regexp.MustCompile(`_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$`)

// checkNames reports every variable of environ that looks like reelpost's
// (it starts with the first word of one of them, or nearly) but is not one,
// with the nearest known name: a misspelt MASTODON_SERVER would otherwise be
// ignored, and reelpost would quietly run as a dry run.
func checkNames(environ map[string]string) Problems {
	words := map[string]bool{}
	for name := range plainVars() {
		w, _, _ := strings.Cut(name, "_")
		words[w] = true
	}
	for _, g := range groups {
		words[g.name] = true
	}
	var ps Problems
	for _, name := range slices.Sorted(maps.Keys(environ)) {
		if p := nameProblem(name, words); p != nil {
			ps = append(ps, p)
		}
	}
	return ps
}

func nameProblem(name string, words map[string]bool) *Problem {
	up := strings.ToUpper(name)
	if foreignVars[up] || serviceLink.MatchString(up) || name == up && known(name) {
		return nil
	}
	w, _, _ := strings.Cut(up, "_")
	if !words[w] {
		// One edit from a first word of ours: ours if the whole name is
		// also near one of ours (MASTADON_SERVER), someone else's otherwise.
		if !nearWord(w, words) {
			return nil
		}
		if near, d := suggest(up); near == "" || d > 2 {
			return nil
		}
	}
	if name != up && known(up) {
		return unknownVar(name, "names are upper case", up)
	}
	if base, ok := strings.CutSuffix(up, FileSuffix); ok && known(base) {
		return unknownVar(name, base+" cannot come from a file (secrets, templates, DATABASE_URL and FEED_URLS can)", "")
	}
	for _, g := range groups {
		digits, n, rest, ok := g.numbered(up)
		if !ok || n >= 2 {
			continue
		}
		v, err := strconv.Atoi(digits)
		var why, want string
		switch {
		case err == nil && v == 1 && g.unnumbered:
			why, want = fmt.Sprintf("the first %s of a network takes no number", g.what), g.name+"_"+rest
		case err == nil && v < 2 && g.unnumbered:
			why, want = g.what+" numbers are 2, 3, ...", g.name+"_2_"+rest
		case err == nil && v < 2:
			why, want = g.what+" numbers are 2, 3, ... (FEED_URLS lists the others)", g.name+"_2_"+rest
		case err == nil:
			why, want = g.what+" numbers are 2, 3, ... without leading zeros", fmt.Sprintf("%s_%d_%s", g.name, v, rest)
		default:
			why = g.what + " numbers are 2, 3, ..."
		}
		if !known(want) {
			want, _ = suggest(want)
		}
		return unknownVar(name, why, want)
	}
	near, _ := suggest(up)
	return unknownVar(name, "", near)
}

func unknownVar(name, why, want string) *Problem {
	msg := name + " is not a reelpost variable"
	if why != "" {
		msg += ": " + why
	}
	switch {
	case want != "":
		msg += "; did you mean " + want + "?"
	case why == "":
		msg += " (reelpost config-doc lists them)"
	}
	return &Problem{Var: name, Err: fmt.Errorf("%s", msg), named: true}
}

// nearWord: w is one edit from a first word of reelpost's (MASTADON,
// BLUSKY, TMBD).
func nearWord(w string, words map[string]bool) bool {
	for k := range words {
		if distance(w, k) <= 1 {
			return true
		}
	}
	return false
}

// suggest returns the known name nearest to name, and its distance, or ""
// when none is near enough to be what was meant.
func suggest(name string) (string, int) {
	var cands []string
	for v, file := range plainVars() {
		cands = append(cands, v)
		if file {
			cands = append(cands, v+FileSuffix)
		}
	}
	// Numbered forms, with the number name carries if it has one.
	nums := map[string]bool{"2": true}
	for _, g := range groups {
		if _, n, _, ok := g.numbered(name); ok && n >= 2 {
			nums[strconv.Itoa(n)] = true
		}
	}
	for _, g := range groups {
		m := map[string]bool{}
		vars(g.typ, "", m)
		for num := range nums {
			for v, file := range m {
				cands = append(cands, g.name+"_"+num+"_"+v)
				if file {
					cands = append(cands, g.name+"_"+num+"_"+v+FileSuffix)
				}
			}
		}
	}
	slices.Sort(cands)
	best, bestD := "", -1
	for _, c := range cands {
		if d := distance(name, c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD > max(2, len(name)/3) {
		return "", bestD
	}
	return best, bestD
}

// distance is the optimal string alignment distance: insertions, deletions,
// substitutions and swaps of neighbours each count one (TMBD is one from
// TMDB).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
