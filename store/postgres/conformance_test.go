package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/wirestory/aggregator/news"
	"github.com/wirestory/aggregator/store/storetest"
)

// TestConformance runs the stores' conformance suite on PostgreSQL, on
// databases whose default collation is not byte order.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, err := Open(context.Background(), newDSN(t))
		if err != nil {
			t.Fatal(err)
		}
		return conformant{db}
	})
}

// conformant adapts *DB to storetest.Store.
type conformant struct{ *DB }

func (c conformant) Stats(ctx context.Context) (storetest.Stats, error) {
	st, err := c.DB.Stats(ctx)
	return storetest.Stats(st), err
}

func (c conformant) ItemByLink(ctx context.Context, link string) (news.StoredItem, error) {
	it, err := c.DB.ItemByLink(ctx, link)
	if errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("%w (%w)", storetest.ErrNotFound, err)
	}
	return it, err
}

// failRecordsSQL makes writing a record "fail" raise "record refused".
const failRecordsSQL = `
CREATE FUNCTION fail_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.record = 'fail'::bytea THEN
		RAISE EXCEPTION 'record refused';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER fail_record BEFORE INSERT OR UPDATE ON item_records
	FOR EACH ROW EXECUTE FUNCTION fail_record();`

func (c conformant) FailRecords(t *testing.T) {
	if _, err := c.pool.Exec(context.Background(), failRecordsSQL); err != nil {
		t.Fatal(err)
	}
}

func (c conformant) InFeed(t *testing.T, id string) bool {
	var in bool
	err := c.pool.QueryRow(context.Background(), "SELECT in_feed FROM items WHERE id = $1", id).Scan(&in)
	if err != nil {
		t.Fatalf("in_feed of %s: %v", id, err)
	}
	return in
}
