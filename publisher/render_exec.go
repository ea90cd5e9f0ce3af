package publisher

import (
	"bytes"
	"strconv"
	"text/template"
	"text/template/parse"
)

// plainTemplate executes a template made only of text, fields printed as
// they are and {{if}}/{{with}} on a field (possibly under "not"), which the
// built-in templates and most users' are, without reflection. text/template
// looks up every field by name at every execution, and the fitter executes
// a post's template once per try: that lookup was most of the cost of
// fitting. Anything else (functions, variables, range, nested templates,
// chained fields) makes compilePlain return nil and text/template runs it.
// TestPlainTemplateMatchesTextTemplate checks that both write the same.
type plainTemplate struct{ nodes []plainNode }

type plainOp uint8

const (
	opText  plainOp = iota // write text
	opPrint                // write the value of ref
	opIf                   // then if ref (negated with not) is true, else otherwise
	opWith                 // as opIf, with dot set to the value in then
)

type plainNode struct {
	op   plainOp
	text string
	ref  plainRef
	not  bool
	then []plainNode
	els  []plainNode
}

// plainRef is a field of TemplateData, or dot (field < 0) inside a
// {{with}}.
type plainRef struct {
	field int
	kind  valueKind
}

type valueKind uint8

const (
	kindString valueKind = iota
	kindInt
	kindBool
	kindList // a []string: only tested, never printed
)

// plainFields are the TemplateData fields a plain template may use, by name.
var plainFields = map[string]plainRef{}

// plainGet returns field i of d: its kind's value is s, or n (an int, a
// bool as 0 or 1, a list's length).
var plainGet []func(d *TemplateData) (s string, n int)

func init() {
	add := func(name string, kind valueKind, get func(d *TemplateData) (string, int)) {
		plainFields[name] = plainRef{field: len(plainGet), kind: kind}
		plainGet = append(plainGet, get)
	}
	str := func(name string, f func(d *TemplateData) string) {
		add(name, kindString, func(d *TemplateData) (string, int) { return f(d), 0 })
	}
	list := func(name string, f func(d *TemplateData) []string) {
		add(name, kindList, func(d *TemplateData) (string, int) { return "", len(f(d)) })
	}
	str("Title", func(d *TemplateData) string { return d.Title })
	str("Summary", func(d *TemplateData) string { return d.Summary })
	str("Link", func(d *TemplateData) string { return d.Link })
	str("TrailerURL", func(d *TemplateData) string { return d.TrailerURL })
	str("TrailerID", func(d *TemplateData) string { return d.TrailerID })
	str("Director", func(d *TemplateData) string { return d.Director })
	str("Writer", func(d *TemplateData) string { return d.Writer })
	str("Author", func(d *TemplateData) string { return d.Author })
	str("GenreList", func(d *TemplateData) string { return d.GenreList })
	str("CastList", func(d *TemplateData) string { return d.CastList })
	str("Runtime", func(d *TemplateData) string { return d.Runtime })
	str("Rating", func(d *TemplateData) string { return d.Rating })
	str("SeeAlsoList", func(d *TemplateData) string { return d.SeeAlsoList })
	str("Hashtags", func(d *TemplateData) string { return d.Hashtags })
	list("Genres", func(d *TemplateData) []string { return d.Genres })
	list("Cast", func(d *TemplateData) []string { return d.Cast })
	list("SeeAlso", func(d *TemplateData) []string { return d.SeeAlso })
	list("Tags", func(d *TemplateData) []string { return d.Tags })
	add("RuntimeMinutes", kindInt, func(d *TemplateData) (string, int) { return "", d.RuntimeMinutes })
	add("Repost", kindBool, func(d *TemplateData) (string, int) {
		if d.Repost {
			return "", 1
		}
		return "", 0
	})
}

// compilePlain returns tmpl as a plainTemplate, or nil when it uses more
// than a plain template may.
func compilePlain(tmpl *template.Template) *plainTemplate {
	if tmpl == nil || tmpl.Tree == nil || tmpl.Tree.Root == nil {
		return nil
	}
	nodes, ok := compileList(tmpl.Tree.Root, nil)
	if !ok {
		return nil
	}
	return &plainTemplate{nodes: nodes}
}

// compileList compiles a list where dot is the TemplateData (dot == nil) or
// the value of a {{with}}.
func compileList(l *parse.ListNode, dot *plainRef) ([]plainNode, bool) {
	if l == nil {
		return nil, true
	}
	var out []plainNode
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			out = append(out, plainNode{op: opText, text: string(n.Text)})
		case *parse.CommentNode:
		case *parse.ActionNode:
			ref, not, ok := compilePipe(n.Pipe, dot)
			if !ok || not || ref.kind == kindList {
				return nil, false
			}
			out = append(out, plainNode{op: opPrint, ref: ref})
		case *parse.IfNode:
			node, ok := compileBranch(opIf, &n.BranchNode, dot)
			if !ok {
				return nil, false
			}
			out = append(out, node)
		case *parse.WithNode:
			node, ok := compileBranch(opWith, &n.BranchNode, dot)
			if !ok {
				return nil, false
			}
			out = append(out, node)
		default:
			return nil, false
		}
	}
	return out, true
}

func compileBranch(op plainOp, b *parse.BranchNode, dot *plainRef) (plainNode, bool) {
	ref, not, ok := compilePipe(b.Pipe, dot)
	if !ok {
		return plainNode{}, false
	}
	inner := dot
	if op == opWith {
		inner = &ref
		if not {
			inner = &plainRef{field: -1, kind: kindBool}
		}
	}
	then, ok := compileList(b.List, inner)
	if !ok {
		return plainNode{}, false
	}
	els, ok := compileList(b.ElseList, dot)
	if !ok {
		return plainNode{}, false
	}
	return plainNode{op: op, ref: ref, not: not, then: then, els: els}, true
}

// compilePipe accepts ".Field", "." inside a {{with}}, and "not" of either.
// Dot in the result is field -1 with its kind.
func compilePipe(p *parse.PipeNode, dot *plainRef) (ref plainRef, not, ok bool) {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) != 1 {
		return plainRef{}, false, false
	}
	args := p.Cmds[0].Args
	if len(args) == 2 {
		if id, isID := args[0].(*parse.IdentifierNode); isID && id.Ident == "not" {
			not, args = true, args[1:]
		}
	}
	if len(args) != 1 {
		return plainRef{}, false, false
	}
	switch a := args[0].(type) {
	case *parse.FieldNode:
		if dot != nil || len(a.Ident) != 1 {
			return plainRef{}, false, false
		}
		ref, ok = plainFields[a.Ident[0]]
		return ref, not, ok
	case *parse.DotNode:
		if dot == nil {
			return plainRef{}, false, false
		}
		return plainRef{field: -1, kind: dot.kind}, not, true
	}
	return plainRef{}, false, false
}

// plainValue is a value during execution: s for a string, n otherwise.
type plainValue struct {
	s string
	n int
}

func (t *plainTemplate) execute(d *TemplateData) string {
	var b bytes.Buffer
	t.executeTo(&b, d)
	return b.String()
}

// executeTo appends the text t makes of d to b.
func (t *plainTemplate) executeTo(b *bytes.Buffer, d *TemplateData) {
	execPlain(b, t.nodes, d, plainValue{})
}

func execPlain(b *bytes.Buffer, nodes []plainNode, d *TemplateData, dot plainValue) {
	for i := range nodes {
		n := &nodes[i]
		if n.op == opText {
			b.WriteString(n.text)
			continue
		}
		v := dot
		if n.ref.field >= 0 {
			v.s, v.n = plainGet[n.ref.field](d)
		}
		if n.op == opPrint {
			switch n.ref.kind {
			case kindString:
				b.WriteString(v.s)
			case kindInt:
				b.WriteString(strconv.Itoa(v.n))
			case kindBool:
				b.WriteString(strconv.FormatBool(v.n != 0))
			}
			continue
		}
		// text/template's truth: a non-empty string or list, a non-zero
		// number, true.
		truth := v.s != "" || v.n != 0
		if n.not {
			truth = !truth
			v = plainValue{}
			if truth {
				v.n = 1
			}
		}
		switch {
		case truth && n.op == opWith:
			execPlain(b, n.then, d, v)
		case truth:
			execPlain(b, n.then, d, dot)
		default:
			execPlain(b, n.els, d, dot)
		}
	}
}
