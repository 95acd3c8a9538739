package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a configuration error at a place in the file.
type Error struct {
	File string
	Line int    // 0 when the error concerns the file as a whole
	Key  string // dotted path such as feeds[2].url; "" when unknown
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// LoadFile reads and validates the configuration at path.
func LoadFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse reads and validates a configuration; name is used in errors.
func Parse(name string, data []byte) (*Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: name, Msg: "empty configuration"}
		}
		return nil, syntaxError(name, data, err)
	}
	if err := oneDocument(name, data, dec); err != nil {
		return nil, err
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: doc.Line, Msg: "the configuration must be a mapping of keys"}
	}
	var errs Errors
	checkKeys(name, doc, reflect.TypeOf(Config{}), "", &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	var cfg Config
	if err := doc.Decode(&cfg); err != nil {
		return nil, typeErrors(name, doc, err)
	}
	if n, _ := child(doc, "fetch"); n != nil {
		if bp, _ := child(n, "block_private"); bp != nil && !cfg.Fetch.BlockPrivate {
			cfg.Fetch.AllowPrivate = true
		}
	}
	// an absent output.max_items is the default; 0 means no limit
	if out, _ := child(doc, "output"); out == nil {
		cfg.Output.MaxItems = DefaultMaxItems
	} else if m, _ := child(out, "max_items"); m == nil {
		cfg.Output.MaxItems = DefaultMaxItems
	}
	cfg.setDefaults()
	if errs := cfg.validate(name, doc); len(errs) > 0 {
		return nil, errs
	}
	cfg.resolvePace()
	return &cfg, nil
}

var lineRE = regexp.MustCompile(`line (\d+): (.*)`)

// oneDocument fails when the stream holds a second YAML document after
// the first: everything it says would be ignored.
func oneDocument(name string, data []byte, dec *yaml.Decoder) error {
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return syntaxError(name, data, err)
	}
	return &Error{File: name, Line: max(next.Line, 1),
		Msg: "a second YAML document (after ---) is not allowed: the configuration is one document"}
}

// syntaxError turns a YAML syntax error into an Error at the line of the
// problem. yaml.v3 names the line where the enclosing block began (so an
// indentation error on line 4 of a mapping that starts on line 1 says
// line 1); the line reported is instead the first line whose addition
// makes the document fail the same way (see problemLine).
func syntaxError(name string, data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		msg = m[2]
	}
	if l := problemLine(data, msg); l > 0 {
		line = l
	}
	return &Error{File: name, Line: line, Msg: "syntax error: " + msg}
}

// problemLine returns the line at which data stops parsing with the
// message msg: the line k such that the first k-1 lines parse and the
// first k fail with msg, found by bisection (O(log n) parses). It returns
// 0 when the bisection ends on another message (a prefix that cuts a
// multi-line flow collection or quoted string in two fails differently).
func problemLine(data []byte, msg string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	fails := func(k int) (bool, string) {
		var n yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if err == nil {
			return false, ""
		}
		m := strings.TrimPrefix(err.Error(), "yaml: ")
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			m = sm[2]
		}
		return true, m
	}
	lo, hi := 0, len(lines) // the first lo lines parse; the first hi fail
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if bad, _ := fails(mid); bad {
			hi = mid
		} else {
			lo = mid
		}
	}
	if _, m := fails(hi); m != msg {
		return 0
	}
	return hi
}

// typeErrors turns yaml's "line N: cannot unmarshal ..." list into Errors
// that also name the key found at that line.
func typeErrors(name string, doc *yaml.Node, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return &Error{File: name, Msg: err.Error()}
	}
	var errs Errors
	for _, s := range te.Errors {
		m := lineRE.FindStringSubmatch(s)
		if m == nil {
			errs = append(errs, &Error{File: name, Msg: s})
			continue
		}
		var line int
		fmt.Sscan(m[1], &line)
		errs = append(errs, &Error{File: name, Line: line, Key: keyAtLine(doc, line, ""), Msg: "wrong type: " + m[2]})
	}
	return errs
}

// checkKeys reports every mapping key that the Go type t does not know,
// with its dotted path and line.
func checkKeys(name string, n *yaml.Node, t reflect.Type, path string, errs *Errors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, &Error{File: name, Line: k.Line, Key: join(path, k.Value), Msg: "unknown key"})
				continue
			}
			checkKeys(name, v, ft, join(path, k.Value), errs)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, v := range n.Content {
			checkKeys(name, v, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	}
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			m[tag] = f.Type
		}
	}
	return m
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// keyAtLine returns the dotted path of the deepest key or value at line.
func keyAtLine(n *yaml.Node, line int, path string) string {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if k.Line == line && v.Kind == yaml.ScalarNode {
				return p
			}
			if found := keyAtLine(v, line, p); found != "" {
				return found
			}
			if k.Line == line {
				return p
			}
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			if found := keyAtLine(v, line, fmt.Sprintf("%s[%d]", path, i)); found != "" {
				return found
			}
		}
	case yaml.ScalarNode:
		if n.Line == line {
			return path
		}
	}
	return ""
}

// lookup returns the node of a dotted path (feeds[1].url) or nil, and the
// line of its key (or of the nearest parent that exists).
func lookup(n *yaml.Node, path string) (line int) {
	line = n.Line
	for _, part := range splitPath(path) {
		next, l := child(n, part)
		if next == nil {
			return line
		}
		n, line = next, l
	}
	return line
}

func splitPath(path string) []string {
	path = strings.ReplaceAll(path, "[", ".[")
	return strings.Split(strings.TrimPrefix(path, "."), ".")
}

func child(n *yaml.Node, part string) (*yaml.Node, int) {
	if strings.HasPrefix(part, "[") {
		var i int
		fmt.Sscanf(part, "[%d]", &i)
		if n.Kind == yaml.SequenceNode && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
		return nil, 0
	}
	if n.Kind != yaml.MappingNode {
		return nil, 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == part {
			return n.Content[i+1], n.Content[i].Line
		}
	}
	return nil, 0
}
