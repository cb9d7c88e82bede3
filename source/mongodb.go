package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ogcard/ogcard/engine"
)

// MongoConfig says where and how a MongoDB source finds a card's data.
type MongoConfig struct {
	// URI is a mongodb:// or mongodb+srv:// connection string. Leave the
	// password out of it and give it in Password, so that it stays out of
	// the configuration file.
	URI string
	// Password, optional, is the password of the user named in URI.
	Password string
	// Database and Collection hold the cards' documents.
	Database   string
	Collection string
	// SlugField is the document field matched against the slug; empty
	// means "slug".
	SlugField string
	// Filter, optional, is a fixed condition every document must meet as
	// well, such as {"status": "published"}.
	Filter map[string]any
	// Fields maps a layout field to a path into the document: keys
	// separated by dots, numeric parts indexing arrays, as in
	// "author.name" or "images.0.url". Only those paths are fetched. With
	// no Fields, a layout field reads the top-level field of the same name
	// and the whole document is fetched.
	Fields map[string]string
	// Timeout bounds one lookup, server selection and connecting
	// included; zero means 2s.
	Timeout time.Duration
	// ServerSelectionTimeout bounds the wait for a usable server outside
	// a lookup (listing, counting, the readiness check); zero means
	// Timeout.
	ServerSelectionTimeout time.Duration
	// MaxPoolSize bounds the connections to each server; zero means 8.
	MaxPoolSize uint64
}

// Defaults for MongoConfig, as for SQL: a slow database must not hold a
// render request long after the client gave up on the image, and a few
// connections serve the render workers without crowding a shared server.
const (
	defaultMongoTimeout  = 2 * time.Second
	defaultMongoPoolSize = 8
	defaultSlugField     = "slug"
)

// MongoDB is a Source that finds one document per lookup. It is safe for
// concurrent use.
type MongoDB struct {
	client    *mongo.Client
	coll      *mongo.Collection
	slugField string
	filter    bson.D
	fields    map[string][]string // nil: every top-level field
	lookupOpt *options.FindOneOptionsBuilder
	listOpt   *options.FindOptionsBuilder
	timeout   time.Duration
	selection time.Duration
	closed    atomic.Bool
}

var (
	_ Source  = (*MongoDB)(nil)
	_ Lister  = (*MongoDB)(nil)
	_ Checker = (*MongoDB)(nil)
)

// NewMongoDB checks cfg and makes a client. It does not wait for a
// server: one that is down at start makes lookups fail with
// ErrUnavailable until it is back, rather than keeping the server from
// starting. (A mongodb+srv:// URI is resolved in DNS here, though.)
func NewMongoDB(cfg MongoConfig) (*MongoDB, error) {
	if err := checkMongoConfig(cfg); err != nil {
		return nil, err
	}
	fields, err := parseMongoPaths(cfg.Fields)
	if err != nil {
		return nil, err
	}
	m := &MongoDB{
		slugField: cfg.SlugField, filter: sortedFilter(cfg.Filter), fields: fields,
		timeout: cfg.Timeout, selection: cfg.ServerSelectionTimeout,
	}
	if m.slugField == "" {
		m.slugField = defaultSlugField
	}
	if m.timeout == 0 {
		m.timeout = defaultMongoTimeout
	}
	if m.selection == 0 {
		m.selection = m.timeout
	}
	opts, err := m.clientOptions(cfg)
	if err != nil {
		return nil, err
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongodb source: %w", err)
	}
	m.client = client
	m.coll = client.Database(cfg.Database).Collection(cfg.Collection)
	m.setProjections()
	return m, nil
}

// checkMongoConfig catches what cannot work before the first lookup does.
func checkMongoConfig(cfg MongoConfig) error {
	switch {
	case !strings.HasPrefix(cfg.URI, "mongodb://") && !strings.HasPrefix(cfg.URI, "mongodb+srv://"):
		return errors.New("mongodb source: uri must start with mongodb:// or mongodb+srv://")
	case strings.TrimSpace(cfg.Database) == "":
		return errors.New("mongodb source: database is empty")
	case strings.TrimSpace(cfg.Collection) == "":
		return errors.New("mongodb source: collection is empty")
	case strings.HasPrefix(cfg.SlugField, "$"):
		return fmt.Errorf("mongodb source: slug_field %q must not start with $", cfg.SlugField)
	case cfg.Timeout < 0 || cfg.ServerSelectionTimeout < 0:
		return errors.New("mongodb source: timeout and server_selection_timeout must not be negative")
	}
	return nil
}

// clientOptions builds the driver's options from the URI and cfg.
func (m *MongoDB) clientOptions(cfg MongoConfig) (*options.ClientOptions, error) {
	opts := options.Client().ApplyURI(cfg.URI).
		SetServerSelectionTimeout(m.selection).
		SetConnectTimeout(m.timeout).
		SetAppName("ogcard")
	pool := cfg.MaxPoolSize
	if pool == 0 {
		pool = defaultMongoPoolSize
	}
	opts.SetMaxPoolSize(pool)
	if err := opts.Validate(); err != nil {
		// The driver's message may quote the URI; keep a password in
		// it out of logs by not repeating the URI ourselves.
		return nil, fmt.Errorf("mongodb source: uri: %w", err)
	}
	if cfg.Password == "" {
		return opts, nil
	}
	if opts.Auth == nil || opts.Auth.Username == "" {
		return nil, errors.New("mongodb source: a password is given but the uri names no user (mongodb://USER@host/)")
	}
	if opts.Auth.PasswordSet {
		return nil, errors.New("mongodb source: the uri has a password and one is given as well: keep only one")
	}
	opts.Auth.Password, opts.Auth.PasswordSet = cfg.Password, true
	return opts, nil
}

// sortedFilter turns the configured filter into a document with a stable
// order of keys, so that every lookup sends the same query shape.
func sortedFilter(filter map[string]any) bson.D {
	if len(filter) == 0 {
		return nil
	}
	keys := make([]string, 0, len(filter))
	for k := range filter {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	d := make(bson.D, 0, len(keys))
	for _, k := range keys {
		d = append(d, bson.E{Key: k, Value: filter[k]})
	}
	return d
}

// setProjections makes the lookup fetch only the mapped paths, and the
// listing those and the slug. Without a field map whole documents are
// fetched, _id included.
func (m *MongoDB) setProjections() {
	m.lookupOpt = options.FindOne()
	m.listOpt = options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(500)
	if m.fields == nil {
		return
	}
	paths := make([][]string, 0, len(m.fields)+1)
	for _, p := range m.fields {
		paths = append(paths, p)
	}
	m.lookupOpt.SetProjection(projection(paths))
	m.listOpt.SetProjection(projection(append(paths, strings.Split(m.slugField, "."))))
}

// Lookup finds the document whose slug field is slug and meets the
// filter, and returns its fields.
func (m *MongoDB) Lookup(ctx context.Context, slug string) (engine.Data, error) {
	if m.closed.Load() {
		return nil, fmt.Errorf("%w: mongodb source is closed", ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	raw, err := m.coll.FindOne(ctx, m.slugFilter(slug), m.lookupOpt).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("mongodb source: slug %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return nil, m.wrapErr(ctx, fmt.Sprintf("slug %q", slug), err)
	}
	data, err := m.documentData(raw)
	if err != nil {
		return nil, fmt.Errorf("mongodb source: slug %q: %w", slug, err)
	}
	return data, nil
}

// slugFilter is the filter for one slug: the fixed filter and the slug
// condition, joined with $and when the fixed filter names the slug field
// itself (a second key of the same name would be ambiguous).
func (m *MongoDB) slugFilter(slug string) bson.D {
	bySlug := bson.E{Key: m.slugField, Value: slug}
	if len(m.filter) == 0 {
		return bson.D{bySlug}
	}
	for _, e := range m.filter {
		if e.Key == m.slugField {
			return bson.D{{Key: "$and", Value: bson.A{m.filter, bson.D{bySlug}}}}
		}
	}
	f := make(bson.D, 0, len(m.filter)+1)
	return append(append(f, m.filter...), bySlug)
}

// documentData picks the card's fields out of a document: the mapped
// paths, or every top-level field.
func (m *MongoDB) documentData(doc bson.Raw) (engine.Data, error) {
	if m.fields == nil {
		return topLevelData(doc)
	}
	data := make(engine.Data, len(m.fields))
	for field, path := range m.fields {
		rv, err := doc.LookupErr(path...)
		if err != nil {
			continue // absent: the field's default or required rule decides
		}
		v, ok, err := bsonScalar(rv)
		if err != nil {
			return nil, &engine.DataError{Field: field, Reason: fmt.Sprintf("mongodb path %q holds %s", strings.Join(path, "."), err)}
		}
		if ok {
			data[field] = v
		}
	}
	return data, nil
}

// topLevelData returns every top-level field of doc. A value that is no
// scalar (a sub-document, an array) is kept as the driver decodes it, for
// the layout to refuse, naming the field, if it declares that field; a
// field the layout does not declare is ignored whatever its type.
func topLevelData(doc bson.Raw) (engine.Data, error) {
	elems, err := doc.Elements()
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	data := make(engine.Data, len(elems))
	for _, e := range elems {
		rv := e.Value()
		v, ok, err := bsonScalar(rv)
		if err != nil {
			var whole any
			if err := rv.Unmarshal(&whole); err != nil {
				return nil, fmt.Errorf("field %q: %w", e.Key(), err)
			}
			v, ok = whole, true
		}
		if ok {
			data[e.Key()] = v
		}
	}
	return data, nil
}

// bsonScalar turns a BSON value into what a layout field takes: strings,
// numbers and booleans as they are, a date as RFC 3339 text, an ObjectID
// as hex, a decimal as its text. Null and undefined are left out (ok
// false) so the field's default applies; other types are an error that
// says what the value is.
func bsonScalar(rv bson.RawValue) (v any, ok bool, err error) {
	switch rv.Type {
	case bson.TypeString:
		return rv.StringValue(), true, nil
	case bson.TypeInt32:
		return int64(rv.Int32()), true, nil
	case bson.TypeInt64:
		return rv.Int64(), true, nil
	case bson.TypeDouble:
		return rv.Double(), true, nil
	case bson.TypeBoolean:
		return rv.Boolean(), true, nil
	case bson.TypeDecimal128:
		return rv.Decimal128().String(), true, nil
	case bson.TypeDateTime:
		return rv.Time().UTC().Format(time.RFC3339), true, nil
	case bson.TypeObjectID:
		return rv.ObjectID().Hex(), true, nil
	case bson.TypeNull, bson.TypeUndefined:
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("a value of BSON type %s, not a string or a number", rv.Type)
}

// Check pings the server, for /readyz: an error says the source cannot
// answer now.
func (m *MongoDB) Check(ctx context.Context) error {
	if m.closed.Load() {
		return fmt.Errorf("%w: mongodb source is closed", ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(ctx, m.selection)
	defer cancel()
	if err := m.client.Ping(ctx, nil); err != nil {
		return m.wrapErr(ctx, "ping", err)
	}
	return nil
}

// wrapErr adds context to a failed operation and marks the failures a
// retry may cure with ErrUnavailable.
func (m *MongoDB) wrapErr(ctx context.Context, what string, err error) error {
	err = fmt.Errorf("mongodb source: %s: %w", what, err)
	if m.closed.Load() || ctx.Err() != nil || transientMongoError(err) {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// Close disconnects; later lookups fail with ErrUnavailable.
func (m *MongoDB) Close() error {
	if m.closed.Swap(true) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.timeout)
	defer cancel()
	if err := m.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("close mongodb source: %w", err)
	}
	return nil
}

// parseMongoPaths splits every path at its dots. A part may not be empty
// or start with $ (an operator, not a field).
func parseMongoPaths(fields map[string]string) (map[string][]string, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	paths := make(map[string][]string, len(fields))
	for field, path := range fields {
		if field == "" {
			return nil, fmt.Errorf("mongodb source: empty field name for path %q", path)
		}
		parts := strings.Split(path, ".")
		for _, p := range parts {
			if p == "" || strings.HasPrefix(p, "$") {
				return nil, fmt.Errorf("mongodb source: field %q: bad path %q", field, path)
			}
		}
		paths[field] = parts
	}
	return paths, nil
}

// isIndex reports whether a path part can index an array.
func isIndex(part string) bool {
	_, err := strconv.ParseUint(part, 10, 31)
	return err == nil
}
