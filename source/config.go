package source

import (
	"fmt"
	"strings"
	"time"
)

// Config configures the data source of one layout, as the `sources`
// section of the YAML configuration gives it.
type Config struct {
	Type    string            `yaml:"type"`   // sql or http
	Driver  string            `yaml:"driver"` // sql: sqlite or postgres
	DSN     string            `yaml:"dsn"`    // sql: data source name
	Query   string            `yaml:"query"`  // sql: takes the slug as its one parameter
	URL     string            `yaml:"url"`    // http: with {slug}
	Fields  map[string]string `yaml:"fields"` // http: field → JSON path
	Headers map[string]string `yaml:"headers"`
	Timeout time.Duration     `yaml:"timeout"`

	// ListQuery (sql, optional) lists every card for `ogcard warm`: the
	// query's SELECT list with the slug first, without the WHERE.
	ListQuery string `yaml:"list_query"`
}

// Validate returns every problem of the configuration of layout's source,
// each naming its YAML key.
func (s Config) Validate(layout string) []error {
	var errs []error
	switch s.Type {
	case "sql":
		if s.Driver != "sqlite" && s.Driver != "postgres" {
			errs = append(errs, fmt.Errorf("sources.%s.driver: must be sqlite or postgres, not %q", layout, s.Driver))
		}
		if s.DSN == "" || s.Query == "" {
			errs = append(errs, fmt.Errorf("sources.%s: a sql source needs dsn and query", layout))
		}
	case "http":
		if !strings.Contains(s.URL, "{slug}") {
			errs = append(errs, fmt.Errorf("sources.%s.url: must contain {slug}", layout))
		}
		if len(s.Fields) == 0 {
			errs = append(errs, fmt.Errorf("sources.%s.fields: map at least one field to a JSON path", layout))
		}
		if s.ListQuery != "" {
			errs = append(errs, fmt.Errorf("sources.%s.list_query: only a sql source can list its cards", layout))
		}
	default:
		errs = append(errs, fmt.Errorf("sources.%s.type: must be sql or http, not %q", layout, s.Type))
	}
	return errs
}

// Open opens the source a validated Config describes.
func Open(sc Config) (Source, error) {
	switch sc.Type {
	case "sql":
		return NewSQL(SQLConfig{Driver: sc.Driver, DSN: sc.DSN, Query: sc.Query, ListQuery: sc.ListQuery, Timeout: sc.Timeout})
	case "http":
		return NewHTTP(HTTPConfig{URL: sc.URL, Fields: sc.Fields, Headers: sc.Headers, Timeout: sc.Timeout})
	}
	return nil, fmt.Errorf("unknown source type %q", sc.Type)
}
