package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/reelpost/reelpost/config"
)

func cmdConfigDoc(_ context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "config-doc", "", "Print every configuration variable, its default and meaning, as the Markdown table README.md carries.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	writeConfigDoc(e.Stdout)
	return nil
}

// writeConfigDoc renders config.Fields() as a Markdown table; README.md holds
// its output between markers, and a test keeps the two the same.
func writeConfigDoc(w io.Writer) {
	fmt.Fprintln(w, "| variable | default | meaning |")
	fmt.Fprintln(w, "| --- | --- | --- |")
	for _, f := range config.Fields() {
		def := "—"
		if f.Default != "" {
			def = "`" + f.Default + "`"
		}
		help := f.Help
		switch {
		case f.Secret:
			help += " Secret: also from a file, `" + f.Var + config.FileSuffix + "`."
		case f.File:
			help += " Also from a file, `" + f.Var + config.FileSuffix + "`."
		}
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", f.Var, def, strings.ReplaceAll(help, "|", `\|`))
	}
}
