package ferrettest

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Two servers run side by side; a stopped one refuses connections and a
// restarted one is back on the same address with the data it had.
func TestStartStopRestart(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Addr == b.Addr {
		t.Fatalf("two servers on %s", a.Addr)
	}
	ctx := context.Background()
	coll := a.Client().Database("d").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "kept"}}); err != nil {
		t.Fatal(err)
	}

	a.Stop()
	if err := ping(a.URI); err == nil {
		t.Fatal("a stopped server answered")
	}
	a.Stop() // twice is fine

	a.Restart()
	if n, err := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: "kept"}}); err != nil || n != 1 {
		t.Errorf("after the restart: %d documents, %v; want the one written before", n, err)
	}
}

func ping(uri string) error {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(300 * time.Millisecond))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.Background()) //nolint:errcheck // a probe
	return client.Ping(context.Background(), nil)
}
