// Command oracle answers questions about the Go libraries Argo Events is built on, the way Argo Events calls them.
//
// It reads one JSON request per line on stdin and writes one JSON answer per line on stdout:
//
//	{"op": "gjson", "json": "<document>", "path": "<gjson path>"}
//	{"op": "template", "template": "<Go template>", "json": "<event data>"}       dataTemplate (params.go)
//	{"op": "template", "template": "<Go template>", "input": "<string>"}          data filter template (filter.go)
//	{"op": "regexp", "pattern": "<RE2>", "texts": ["..."]}
//	{"op": "expr", "expression": "...", "json": "<event data>"}                    EventSource filter (eventing.go)
//	{"op": "duration", "input": "<text>"}                                          time.ParseDuration (retry.go)
//
// Built in GOPATH mode against Debian's golang-github-* packages; see tests/oracle_client.py.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
	"github.com/antonmedv/expr"
	"github.com/tidwall/gjson"
)

type request struct {
	Op         string   `json:"op"`
	JSON       *string  `json:"json"`
	Path       string   `json:"path"`
	Template   string   `json:"template"`
	Input      *string  `json:"input"`
	Pattern    string   `json:"pattern"`
	Texts      []string `json:"texts"`
	Expression string   `json:"expression"`
}

// answer is one reply. Status is "ok", "parse_error" (the library rejects the input) or "error" (it fails while
// running); Value is what Go produced, rendered as JSON where it is a Go value, and Type its Go type (%T).
type answer struct {
	Status  string      `json:"status"`
	Message string      `json:"message,omitempty"`
	Output  *string     `json:"output,omitempty"`
	Exists  *bool       `json:"exists,omitempty"`
	GType   string      `json:"gjson_type,omitempty"`
	Raw     *string     `json:"raw,omitempty"`
	Str     *string     `json:"str,omitempty"`
	Matches []bool      `json:"matches,omitempty"`
	Value   interface{} `json:"value,omitempty"`
	Type    string      `json:"type,omitempty"`
	Printed *string     `json:"printed,omitempty"`
	Float   interface{} `json:"float,omitempty"`
	Bool    *bool       `json:"bool,omitempty"`
	Index   *int        `json:"index,omitempty"`
	Indexes []int       `json:"indexes,omitempty"`
}

func str(s string) *string { return &s }

func failed(status string, err error) answer { return answer{Status: status, Message: err.Error()} }

// jsonSafe turns a Go value into something encoding/json can write (NaN and infinities as strings).
func jsonSafe(v interface{}) interface{} {
	if _, err := json.Marshal(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return v
}

// doGjson reads one path; Value, Float and Bool are res.Value() (as templates get it), res.Float()
// and res.Bool() (as data filters compare numbers and booleans); Index and Indexes are the byte offsets of the
// result (or of each #(...)# match) in the document, where sjson's setComplexPath writes through a "complex" dest.
func doGjson(r request) answer {
	res := gjson.Get(*r.JSON, r.Path)
	exists := res.Exists()
	truth := res.Bool()
	index := res.Index
	return answer{Status: "ok", Exists: &exists, GType: res.Type.String(), Raw: str(res.Raw), Str: str(res.String()),
		Value: jsonSafe(res.Value()), Float: jsonSafe(res.Float()), Bool: &truth, Index: &index, Indexes: res.Indexes}
}

// doTemplate runs a template the way getValueWithTemplate (params.go) or filterData (filter.go) does.
func doTemplate(r request) answer {
	tpl, err := template.New("param").Funcs(sprig.FuncMap()).Parse(r.Template)
	if err != nil {
		return failed("parse_error", err)
	}
	var input interface{}
	if r.Input != nil {
		input = *r.Input
	} else {
		input = gjson.Parse(*r.JSON).Value()
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, map[string]interface{}{"Input": input}); err != nil {
		return failed("error", err)
	}
	return answer{Status: "ok", Output: str(buf.String())}
}

func doRegexp(r request) answer {
	exp, err := regexp.Compile(r.Pattern)
	if err != nil {
		return failed("parse_error", err)
	}
	matches := make([]bool, len(r.Texts))
	for i, text := range r.Texts {
		matches[i] = exp.Match([]byte(text))
	}
	return answer{Status: "ok", Matches: matches}
}

// doDuration parses a trigger's retryStrategy.duration as Argo's Convert2WaitBackoff does; Float is nanoseconds.
func doDuration(r request) answer {
	if r.Input == nil {
		return answer{Status: "bad_request", Message: "duration needs input"}
	}
	d, err := time.ParseDuration(*r.Input)
	if err != nil {
		return failed("parse_error", err)
	}
	return answer{Status: "ok", Float: int64(d)}
}

// exprFuncs is what Argo's expr.GetFuncMap adds to the data (pkg/shared/expr/eval.go), minus what Debian lacks:
// `jsonpath` (evilmonkeyinc/jsonpath) and the `asInt`/`asFloat` aliases of expr's v1.15 builtins.
func exprFuncs(env map[string]interface{}) {
	funcs := sprig.GenericFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	env["toJson"] = func(v interface{}) string {
		out, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(out)
	}
	env["sprig"] = funcs
}

// doExpr runs an EventSource filter the way filterEvent (eventing.go) does, on data whose dotted top-level keys
// the caller has already expanded (Argo uses bellows.Expand, which Debian does not package).
func doExpr(r request) answer {
	dataMap := map[string]interface{}{}
	if err := json.Unmarshal([]byte(*r.JSON), &dataMap); err != nil {
		return answer{Status: "error", Message: fmt.Sprintf("failed to unmarshal data, %v", err)}
	}
	env := map[string]interface{}{}
	for key, value := range dataMap {
		env[strings.ReplaceAll(key, "-", "_")] = value
	}
	exprFuncs(env)
	result, err := expr.Eval(r.Expression, env)
	if err != nil {
		return failed("error", err)
	}
	return answer{Status: "ok", Value: jsonSafe(result), Type: fmt.Sprintf("%T", result), Printed: str(fmt.Sprintf("%v", result))}
}

func handle(r request) (a answer) {
	defer func() {
		if p := recover(); p != nil {
			a = answer{Status: "error", Message: fmt.Sprintf("panic: %v", p)}
		}
	}()
	switch r.Op {
	case "gjson":
		return doGjson(r)
	case "template":
		return doTemplate(r)
	case "regexp":
		return doRegexp(r)
	case "expr":
		return doExpr(r)
	case "duration":
		return doDuration(r)
	}
	return answer{Status: "bad_request", Message: "unknown op " + r.Op}
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var r request
			if jerr := json.Unmarshal(line, &r); jerr != nil {
				_ = enc.Encode(answer{Status: "bad_request", Message: jerr.Error()})
			} else {
				_ = enc.Encode(handle(r))
			}
			_ = out.Flush()
		}
		if err != nil {
			return
		}
	}
}
