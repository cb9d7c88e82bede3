package server

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ogcard/ogcard/cards"
	"github.com/ogcard/ogcard/cards/fetch"
	"github.com/ogcard/ogcard/source"
	"gopkg.in/yaml.v3"
)

// Config is everything `ogcard serve` can be told. Load builds it from
// defaults, then a YAML file, then OGCARD_* environment variables, then
// flags, each overriding the one before.
type Config struct {
	Addr           string        `yaml:"addr"`
	Layouts        string        `yaml:"layouts"`
	DataDir        string        `yaml:"data_dir"`
	CacheURL       string        `yaml:"cache_url"`
	MemoryCache    int64         `yaml:"memory_cache_bytes"`
	SigningKeys    []string      `yaml:"signing_keys"`
	Workers        int           `yaml:"render_workers"`
	QueueWait      time.Duration `yaml:"render_queue_wait"`
	RenderTimeout  time.Duration `yaml:"render_timeout"`
	MaxAge         time.Duration `yaml:"max_age"`
	FallbackMaxAge time.Duration `yaml:"fallback_max_age"`
	Demo           bool          `yaml:"demo"`
	LogFormat      string        `yaml:"log_format"`
	LogLevel       string        `yaml:"log_level"`
	SlackWebhook   string        `yaml:"slack_webhook"`
	Watch          bool          `yaml:"watch"`
	Preview        bool          `yaml:"preview"`
	PreviewToken   string        `yaml:"preview_token"`
	PublicURL      string        `yaml:"public_url"`    // base of absolute card URLs in meta tags
	PublishToken   string        `yaml:"publish_token"` // bearer token of POST .../render; empty: the route is off
	PreviewSave    bool          `yaml:"preview_save"`
	FetchHosts     []string      `yaml:"fetch_allow_hosts"`
	FetchLoopback  bool          `yaml:"fetch_allow_loopback"`
	FetchTimeout   time.Duration `yaml:"fetch_timeout"`
	FetchMaxBytes  int64         `yaml:"fetch_max_bytes"`
	PhotoCache     int64         `yaml:"photo_cache_bytes"`
	PhotoTTL       time.Duration `yaml:"photo_cache_ttl"`
	StoreQueue     int           `yaml:"store_queue"`
	MaxURLBytes    int           `yaml:"max_url_bytes"`
	RateLimit      float64       `yaml:"rate_limit"`
	RateBurst      int           `yaml:"rate_burst"`
	TrustedProxies []string      `yaml:"trusted_proxies"`

	// Sources maps a layout name to where its data comes from. YAML only:
	// a data source does not fit in a flag.
	Sources map[string]source.Config `yaml:"sources"`
}

// SourceConfig configures the data source of one layout.
type SourceConfig = source.Config

// setting is one flag/env/YAML setting, so that --help, the environment
// and validation all come from one table.
type setting struct {
	name  string // flag name; the env name is OGCARD_ + upper snake case
	usage string
	ptr   any // *string, *int, *int64, *bool, *time.Duration, *[]string
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "listen address", &c.Addr},
		{"layouts", "folder of layout files (default: the layouts built into the binary)", &c.Layouts},
		{"data-dir", "folder for the demo database and the file cache", &c.DataDir},
		{"cache-url", "card store: file:///path, s3://bucket?region=..., or mem:// (default: file://DATA-DIR/cards)", &c.CacheURL},
		{"memory-cache-bytes", "bytes of hot cards kept in memory in front of the store", &c.MemoryCache},
		{"signing-keys", "comma-separated HMAC keys for /og/ URLs; the first signs, all verify (rotation)", &c.SigningKeys},
		{"render-workers", "cards rendered at once", &c.Workers},
		{"render-queue-wait", "longest a request waits for a render worker before 503", &c.QueueWait},
		{"render-timeout", "longest a render may take", &c.RenderTimeout},
		{"max-age", "Cache-Control max-age of cards (they are immutable)", &c.MaxAge},
		{"fallback-max-age", "Cache-Control max-age of cards drawn with a fallback picture", &c.FallbackMaxAge},
		{"demo", "create and serve the demo database when no source is configured for news", &c.Demo},
		{"log-format", "text or json", &c.LogFormat},
		{"log-level", "debug, info, warn or error", &c.LogLevel},
		{"fetch-allow-hosts", "comma-separated hosts pictures may come from (exact, or *.example.com); empty: any public host", &c.FetchHosts},
		{"fetch-allow-loopback", "UNSAFE outside local testing: let picture URLs reach localhost", &c.FetchLoopback},
		{"fetch-timeout", "longest a picture download may take, connect to last byte", &c.FetchTimeout},
		{"fetch-max-bytes", "largest picture file accepted", &c.FetchMaxBytes},
		{"photo-cache-bytes", "bytes of decoded photos kept in memory, so another format or a changed headline does not fetch the photo again", &c.PhotoCache},
		{"photo-cache-ttl", "how long a decoded photo is kept: a photo replaced at the same URL shows after this", &c.PhotoTTL},
		{"store-queue", "card writes that may wait for the store; past it a write is dropped (counted) and the card served anyway", &c.StoreQueue},
		{"max-url-bytes", "longest request URL (path and query) answered; longer ones get 414", &c.MaxURLBytes},
		{"watch", "reload layouts when files in --layouts change", &c.Watch},
		{"preview", "serve the /preview page for designers", &c.Preview},
		{"preview-token", "require this token (?token= or X-Preview-Token) for /preview; set it, or turn the preview off, in production", &c.PreviewToken},
		{"preview-save", "let /preview save edited layouts to --layouts (off: edits are only tried, never written)", &c.PreviewSave},
		{"slack-webhook", "Slack incoming-webhook URL for alerts on render failures and picture-fetch failure spikes (rate-limited); empty: no alerts", &c.SlackWebhook},
		{"rate-limit", "requests per second allowed per client IP; 0 turns rate limiting off", &c.RateLimit},
		{"rate-burst", "requests a client may send at once above the rate", &c.RateBurst},
		{"public-url", "base URL the world reaches this service at (https://cards.example.com), for og:image in /meta; empty: the request's own host", &c.PublicURL},
		{"publish-token", "bearer token for POST /api/v1/og/{layout}/{slug}/render (render on publish); empty: the route is off", &c.PublishToken},
		{"trusted-proxies", "comma-separated CIDRs of proxies or CDNs whose X-Forwarded-For is believed; empty: the client IP is the connection's", &c.TrustedProxies},
	}
}

// DefaultConfig is the configuration of `ogcard serve` with nothing set.
func DefaultConfig() Config {
	return Config{
		Addr:           ":8080",
		DataDir:        "data",
		MemoryCache:    64 << 20,
		Workers:        runtime.NumCPU(),
		QueueWait:      2 * time.Second,
		RenderTimeout:  10 * time.Second,
		MaxAge:         365 * 24 * time.Hour,
		FallbackMaxAge: time.Minute,
		Demo:           true,
		LogFormat:      "text",
		LogLevel:       "info",
		RateBurst:      20,
		Watch:          true,
		Preview:        true,
		FetchTimeout:   5 * time.Second,
		FetchMaxBytes:  15 << 20,
		PhotoCache:     256 << 20,
		PhotoTTL:       10 * time.Minute,
		StoreQueue:     256,
		MaxURLBytes:    8 << 10,
	}
}

// Load builds the configuration: defaults < YAML file (--config or
// OGCARD_CONFIG) < environment < flags. It returns every problem found,
// joined.
func Load(args []string, getenv func(string) string) (Config, error) {
	return LoadWith(args, getenv, nil)
}

// LoadWith is Load for a command that has flags of its own besides the
// settings (ogcard warm takes the service's whole configuration, to
// warm the store the service reads): extra's flags are parsed with the
// settings, and an argument that is not a flag is an error rather than
// silently ending the flags.
func LoadWith(args []string, getenv func(string) string, extra *flag.FlagSet) (Config, error) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the caller prints usage from FlagSet
	configFile := fs.String("config", getenv("OGCARD_CONFIG"), "YAML configuration `file`")
	c.bindFlags(fs)
	addFlags(fs, extra)
	if err := fs.Parse(args); err != nil { // first pass: find --config
		return c, err
	}
	if extra != nil && fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q: every setting is a flag", fs.Arg(0))
	}
	var errs []error
	if *configFile != "" {
		if err := c.loadYAML(*configFile); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, c.loadEnv(getenv)...)
	c2 := c
	fs2 := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs2.SetOutput(io.Discard)
	fs2.String("config", "", "")
	c2.bindFlags(fs2)
	addFlags(fs2, extra)
	_ = fs2.Parse(args) // flags last; already parsed once without error
	c = c2
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// FlagSet returns the flags of `ogcard serve` with their defaults, for --help.
func FlagSet() *flag.FlagSet {
	c := DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.String("config", "", "YAML configuration `file` (env OGCARD_CONFIG)")
	c.bindFlags(fs)
	return fs
}

func (c *Config) bindFlags(fs *flag.FlagSet) {
	for _, s := range c.settings() {
		usage := s.usage + " (env " + envName(s.name) + ")"
		switch p := s.ptr.(type) {
		case *string:
			fs.StringVar(p, s.name, *p, usage)
		case *int:
			fs.IntVar(p, s.name, *p, usage)
		case *int64:
			fs.Int64Var(p, s.name, *p, usage)
		case *bool:
			fs.BoolVar(p, s.name, *p, usage)
		case *time.Duration:
			fs.DurationVar(p, s.name, *p, usage)
		case *float64:
			fs.Float64Var(p, s.name, *p, usage)
		case *[]string:
			fs.Func(s.name, usage, func(v string) error { *p = SplitList(v); return nil })
		}
	}
}

// addFlags adds extra's flags to fs, sharing their values: Load parses
// its arguments twice, and a flag's value set twice to the same text is
// unchanged.
func addFlags(fs, extra *flag.FlagSet) {
	if extra == nil {
		return
	}
	extra.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
}

func envName(flagName string) string {
	return "OGCARD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (c *Config) loadYAML(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

func (c *Config) loadEnv(getenv func(string) string) []error {
	var errs []error
	for _, s := range c.settings() {
		name := envName(s.name)
		v := getenv(name)
		if v == "" {
			continue
		}
		if err := setValue(s.ptr, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
		}
	}
	return errs
}

func setValue(ptr any, v string) error {
	var err error
	switch p := ptr.(type) {
	case *string:
		*p = v
	case *int:
		*p, err = strconv.Atoi(v)
	case *int64:
		*p, err = strconv.ParseInt(v, 10, 64)
	case *bool:
		*p, err = strconv.ParseBool(v)
	case *time.Duration:
		*p, err = time.ParseDuration(v)
	case *float64:
		*p, err = strconv.ParseFloat(v, 64)
	case *[]string:
		*p = SplitList(v)
	}
	return err
}

// SplitList splits a comma-separated setting, dropping blanks and spaces.
func SplitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Validate reports every setting out of range, joined.
func (c *Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Addr != "", "addr: must not be empty")
	check(c.DataDir != "", "data-dir: must not be empty")
	check(c.MemoryCache >= 0, "memory-cache-bytes: must be >= 0")
	check(c.Workers >= 1, "render-workers: must be >= 1, not %d", c.Workers)
	check(c.QueueWait >= 0, "render-queue-wait: must be >= 0")
	check(c.RenderTimeout > 0, "render-timeout: must be > 0")
	check(c.MaxAge > 0 && c.FallbackMaxAge >= 0, "max-age and fallback-max-age: must be positive")
	check(c.LogFormat == "text" || c.LogFormat == "json", "log-format: must be text or json, not %q", c.LogFormat)
	check(slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel), "log-level: must be debug, info, warn or error, not %q", c.LogLevel)
	check(c.RateLimit >= 0 && c.RateBurst >= 1, "rate-limit must be >= 0 and rate-burst >= 1")
	check(c.FetchTimeout > 0 && c.FetchMaxBytes > 0, "fetch-timeout and fetch-max-bytes must be positive")
	check(c.PhotoCache >= 0 && c.PhotoTTL >= 0, "photo-cache-bytes and photo-cache-ttl must be >= 0")
	check(c.StoreQueue >= 1, "store-queue: must be >= 1, not %d", c.StoreQueue)
	check(c.MaxURLBytes >= 256, "max-url-bytes: must be >= 256, not %d", c.MaxURLBytes)
	for _, cidr := range c.TrustedProxies {
		_, _, err := net.ParseCIDR(cidr)
		check(err == nil, "trusted-proxies: %q is not a CIDR such as 10.0.0.0/8", cidr)
	}
	for i, k := range c.SigningKeys {
		check(len(k) >= 16, "signing-keys: key %d is %d characters; use at least 16", i+1, len(k))
	}
	for name, s := range c.Sources {
		errs = append(errs, s.Validate(name)...)
	}
	return errors.Join(errs...)
}

// Pipeline is the card pipeline's part of the configuration.
func (c Config) Pipeline() (cards.Config, error) {
	store, err := c.StoreURL()
	if err != nil {
		return cards.Config{}, err
	}
	return cards.Config{
		Layouts: c.Layouts, Watch: c.Watch, StoreURL: store,
		MemoryCache: c.MemoryCache, Workers: c.Workers, QueueWait: c.QueueWait, RenderTimeout: c.RenderTimeout,
		MaxAge: c.MaxAge, FallbackMaxAge: c.FallbackMaxAge,
		PhotoCache: c.PhotoCache, PhotoTTL: c.PhotoTTL, StoreQueue: c.StoreQueue,
		Fetch: fetch.Options{
			FileRoot: c.DataDir, AllowHosts: c.FetchHosts, AllowLoopback: c.FetchLoopback,
			Timeout: c.FetchTimeout, MaxBytes: c.FetchMaxBytes,
		},
	}, nil
}

// StoreURL is the card store's URL: --cache-url, else the cards folder
// in the data folder (ogcard warm must fill the store serve reads).
func (c Config) StoreURL() (string, error) {
	if c.CacheURL != "" {
		return c.CacheURL, nil
	}
	abs, err := filepath.Abs(filepath.Join(c.DataDir, "cards"))
	if err != nil {
		return "", err
	}
	return "file://" + abs, nil
}
