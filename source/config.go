package source

import (
	"fmt"
	"os"
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

	// mongodb: uri (mongodb:// or mongodb+srv://, without the password),
	// password_env (the environment variable holding the password of the
	// uri's user), database, collection, slug_field (default slug), an
	// optional fixed filter, and fields (layout field → dotted document
	// path; none: the same-named top-level fields). Also timeout,
	// server_selection_timeout and max_pool_size.
	URI                    string         `yaml:"uri"`
	PasswordEnv            string         `yaml:"password_env"`
	Database               string         `yaml:"database"`
	Collection             string         `yaml:"collection"`
	SlugField              string         `yaml:"slug_field"`
	Filter                 map[string]any `yaml:"filter"`
	ServerSelectionTimeout time.Duration  `yaml:"server_selection_timeout"`
	MaxPoolSize            uint64         `yaml:"max_pool_size"`
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
	case "mongodb":
		errs = append(errs, s.validateMongoDB(layout)...)
	default:
		errs = append(errs, fmt.Errorf("sources.%s.type: must be sql, http or mongodb, not %q", layout, s.Type))
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
	case "mongodb":
		return openMongoDB(sc)
	}
	return nil, fmt.Errorf("unknown source type %q", sc.Type)
}

func (s Config) validateMongoDB(layout string) []error {
	var errs []error
	if !strings.HasPrefix(s.URI, "mongodb://") && !strings.HasPrefix(s.URI, "mongodb+srv://") {
		errs = append(errs, fmt.Errorf("sources.%s.uri: must start with mongodb:// or mongodb+srv://", layout))
	}
	if s.Database == "" || s.Collection == "" {
		errs = append(errs, fmt.Errorf("sources.%s: a mongodb source needs database and collection", layout))
	}
	if s.ListQuery != "" {
		errs = append(errs, fmt.Errorf("sources.%s.list_query: a mongodb source lists with its filter; remove list_query", layout))
	}
	if s.Timeout < 0 || s.ServerSelectionTimeout < 0 {
		errs = append(errs, fmt.Errorf("sources.%s: timeout and server_selection_timeout must not be negative", layout))
	}
	return errs
}

// openMongoDB opens a mongodb source, its password read from the
// environment variable password_env names (never from the file).
func openMongoDB(sc Config) (Source, error) {
	var password string
	if sc.PasswordEnv != "" {
		password = os.Getenv(sc.PasswordEnv)
		if password == "" {
			return nil, fmt.Errorf("password_env: environment variable %s is empty or not set", sc.PasswordEnv)
		}
	}
	return NewMongoDB(MongoConfig{
		URI: sc.URI, Password: password, Database: sc.Database, Collection: sc.Collection,
		SlugField: sc.SlugField, Filter: sc.Filter, Fields: sc.Fields, Timeout: sc.Timeout,
		ServerSelectionTimeout: sc.ServerSelectionTimeout, MaxPoolSize: sc.MaxPoolSize,
	})
}
