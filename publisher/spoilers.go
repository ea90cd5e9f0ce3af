package publisher

import (
	"strconv"

	"golang.org/x/text/language"

	"github.com/reelpost/reelpost/publisher/textlen"
)

// spoilerWarning is the content warning's words in one language: Word
// alone, or Word, Sep and the film ("Spoilers: Weapons (2025)").
type spoilerWarning struct {
	tag       language.Tag
	word, sep string
}

// spoilerWarnings are the languages a content warning is written in,
// English first: the fallback. The words are those a person writes as a
// content warning in that language; French puts a (no-break) space before
// its colon, Chinese and Japanese a full-width colon and no space.
var spoilerWarnings = []spoilerWarning{
	{language.English, "Spoilers", ": "},
	{language.French, "Attention, spoilers", "\u00a0: "},
	{language.German, "Spoiler", ": "},
	{language.Spanish, "Alerta de spóiler", ": "},
	{language.Italian, "Attenzione, spoiler", ": "},
	{language.Portuguese, "Alerta de spoiler", ": "},
	{language.Dutch, "Spoileralert", ": "},
	{language.Swedish, "Spoilervarning", ": "},
	{language.Danish, "Spoileradvarsel", ": "},
	// Bokmål by its own tag: language.Norwegian is "no", the
	// macrolanguage (see spoilerWarningFor).
	{language.MustParse("nb"), "Spoilervarsel", ": "},
	{language.Finnish, "Juonipaljastuksia", ": "},
	{language.Polish, "Uwaga, spoilery", ": "},
	{language.Japanese, "ネタバレ注意", "："},
	{language.Korean, "스포일러 주의", ": "},
	{language.SimplifiedChinese, "剧透警告", "："},
	{language.TraditionalChinese, "劇透警告", "："},
}

// spoilerWarningFor is the warning for a post in lang (a BCP 47 tag): the
// one of lang's own base language, whatever its region (pt-BR and pt-PT
// Portuguese, fr-CA French, de-AT German), Chinese by its script (zh-TW and
// zh-HK Traditional, zh and zh-CN Simplified), Norwegian Bokmål for nn and no
// too; English for any other, and for an empty or malformed tag. Not CLDR's
// closest language: it pairs Basque with Spanish, Occitan with French,
// Luxembourgish with German and Afrikaans with Dutch, whose readers need not
// read it, while a warning must be understood by all; English is the
// fallback every network's readers are most likely to share.
func spoilerWarningFor(lang string) spoilerWarning {
	tag, err := language.Parse(lang)
	if lang == "" || err != nil {
		return spoilerWarnings[0]
	}
	base, _ := tag.Base()
	if b := base.String(); b == "no" || b == "nn" {
		// Norwegian's two written forms; Bokmål is what most Norwegians write.
		base = language.MustParseBase("nb")
	}
	script, _ := tag.Script()
	for _, w := range spoilerWarnings {
		wb, _ := w.tag.Base()
		if wb != base {
			continue
		}
		if ws, _ := w.tag.Script(); base.String() == "zh" && ws != script {
			continue
		}
		return w
	}
	return spoilerWarnings[0]
}

// spoilerText is the content warning of a review with spoilers, in the
// post's language lang: "Spoilers: Weapons (2025)", the film as the post
// names it. The fitter never shortens the warning and the text gets only
// what it leaves (counted in the network's way, translated words and all),
// so a warning takes at most a third of the limit (rules' count): a longer
// film name is cut at a word boundary with "…", and where not even that
// fits the warning is the word alone ("Spoilers"). A film's name never
// costs the post.
func spoilerText(d TemplateData, rules Rules, lang string) string {
	w := spoilerWarningFor(lang)
	if d.Film == "" {
		return w.word
	}
	year := ""
	if d.Year > 0 {
		year = " (" + strconv.Itoa(d.Year) + ")"
	}
	budget := rules.Limit / 3
	warning := func(film string) string { return w.word + w.sep + film + year }
	fits := func(film string) bool { return rules.Count(warning(film)) <= budget }
	if fits(d.Film) {
		return warning(d.Film)
	}
	// The longest cut that fits: a cut to fewer clusters is never longer.
	// At 2 clusters the cut keeps one and "…": "…" alone would say nothing.
	lo, hi := 2, textlen.Graphemes(d.Film)-1
	best := ""
	for lo <= hi {
		mid := (lo + hi) / 2
		if film := cutAtWord(d.Film, mid); fits(film) {
			best, lo = film, mid+1
		} else {
			hi = mid - 1
		}
	}
	if best == "" {
		return w.word
	}
	return warning(best)
}
