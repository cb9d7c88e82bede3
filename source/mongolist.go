package source

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ogcard/ogcard/engine"
)

// Each lists the documents that meet the filter through one cursor, in
// _id order, each with the data Lookup returns for its slug. A document
// without a slug is passed with slug "".
func (m *MongoDB) Each(ctx context.Context, fn func(slug string, data engine.Data) error) error {
	if m.closed.Load() {
		return fmt.Errorf("%w: mongodb source is closed", ErrUnavailable)
	}
	filter := m.filter
	if filter == nil {
		filter = bson.D{}
	}
	cur, err := m.coll.Find(ctx, filter, m.listOpt)
	if err != nil {
		return m.listErr(ctx, err)
	}
	defer cur.Close(context.WithoutCancel(ctx)) //nolint:errcheck // a cursor that fails to close is the server's to reap
	for cur.Next(ctx) {
		slug, data, err := m.listed(cur.Current)
		if err != nil {
			return fmt.Errorf("mongodb source: list: %w", err)
		}
		if err := fn(slug, data); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return m.listErr(ctx, err)
	}
	return ctx.Err()
}

// listed reads one listed document: its slug and its card's data.
func (m *MongoDB) listed(doc bson.Raw) (string, engine.Data, error) {
	data, err := m.documentData(doc)
	if err != nil {
		return "", nil, err
	}
	rv, err := doc.LookupErr(strings.Split(m.slugField, ".")...)
	if err != nil {
		return "", data, nil
	}
	v, ok, err := bsonScalar(rv)
	if err != nil {
		return "", nil, fmt.Errorf("slug field %q holds %w", m.slugField, err)
	}
	if !ok {
		return "", data, nil
	}
	return fmt.Sprint(v), data, nil
}

// Count counts the documents that meet the filter.
func (m *MongoDB) Count(ctx context.Context) (int64, error) {
	if m.closed.Load() {
		return 0, fmt.Errorf("%w: mongodb source is closed", ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(ctx, countTimeout)
	defer cancel()
	filter := m.filter
	if filter == nil {
		filter = bson.D{}
	}
	n, err := m.coll.CountDocuments(ctx, filter)
	if err != nil {
		return 0, m.listErr(ctx, err)
	}
	return n, nil
}

// listErr is wrapErr for the listing, which has no timeout of its own:
// a cancelled ctx is the caller's doing, not an outage.
func (m *MongoDB) listErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = fmt.Errorf("mongodb source: list: %w", err)
		if !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
		return err
	}
	return m.wrapErr(ctx, "list", err)
}
