package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wirestory/aggregator/internal/pgtest"
)

// TestMigrateConcurrently: two instances migrating one new database at
// once both succeed, each migration applied once (without the advisory
// lock both create the tables and one fails).
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	for round := range 3 {
		dsn := pgtest.NewDatabase(t)
		var wg sync.WaitGroup
		applied := make([]Applied, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() { applied[i], errs[i] = Migrate(ctx, dsn) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		ours := append(slices.Clone(applied[0].Ours), applied[1].Ours...)
		river := append(slices.Clone(applied[0].River), applied[1].River...)
		slices.Sort(ours)
		slices.Sort(river)
		ms, err := migrations()
		if err != nil {
			t.Fatal(err)
		}
		if len(ours) != len(ms) || slices.Compact(slices.Clone(ours)) == nil || len(slices.Compact(ours)) != len(ms) {
			t.Errorf("round %d: our migrations applied %v, want each of %d once", round, ours, len(ms))
		}
		if len(river) != 8 || len(slices.Compact(river)) != 8 {
			t.Errorf("round %d: River's migrations applied %v, want each of 8 once", round, river)
		}
		db, err := Open(ctx, dsn)
		if err != nil {
			t.Fatalf("round %d: Open after Migrate: %v", round, err)
		}
		db.Close()
	}
}

// TestOpenRefusesOtherSchemas: Open does not migrate; it refuses a
// database that is not migrated, half migrated or newer, naming what to
// run.
func TestOpenRefusesOtherSchemas(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	_, err := Open(ctx, dsn)
	if !errors.Is(err, ErrNotMigrated) || !strings.Contains(err.Error(), "aggregator migrate --config") {
		t.Fatalf("Open of an empty database = %v, want ErrNotMigrated naming the command", err)
	}
	if v, err := tableCount(ctx, dsn); err != nil || v != 0 {
		t.Fatalf("Open created %d tables, %v", v, err)
	}
	if _, err := Migrate(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	if again, err := Migrate(ctx, dsn); err != nil || len(again.Ours)+len(again.River) != 0 {
		t.Fatalf("a second Migrate applied %+v, %v; want nothing", again, err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	last := lastVersion(ms)
	for _, tc := range []struct {
		name, change, undo string
		want               error
		mention            string
	}{
		{"ours newer", "INSERT INTO aggregator_migration (version) VALUES (99)",
			"DELETE FROM aggregator_migration WHERE version = 99", ErrSchemaTooNew, "99"},
		{"ours older", fmt.Sprintf("DELETE FROM aggregator_migration WHERE version = %d", last),
			fmt.Sprintf("INSERT INTO aggregator_migration (version) VALUES (%d)", last), ErrNotMigrated, "aggregator migrate"},
		{"river newer", "INSERT INTO river_migration (line, version) VALUES ('main', 99)",
			"DELETE FROM river_migration WHERE version = 99", ErrSchemaTooNew, "river"},
		{"river older", "DELETE FROM river_migration WHERE version = 8",
			"INSERT INTO river_migration (line, version) VALUES ('main', 8)", ErrNotMigrated, "river"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			execDSN(t, dsn, tc.change)
			defer execDSN(t, dsn, tc.undo)
			_, err := Open(ctx, dsn)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("Open = %v, want %v mentioning %q", err, tc.want, tc.mention)
			}
			if tc.want == ErrSchemaTooNew {
				if _, err := Migrate(ctx, dsn); !errors.Is(err, ErrSchemaTooNew) {
					t.Errorf("Migrate of a newer schema = %v, want ErrSchemaTooNew", err)
				}
			}
		})
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"postgres://agg:s3cret@db.example:5433/news?sslmode=require&sslpassword=k3y",
			"postgres://agg@db.example:5433/news"},
		{"host=db.example port=5433 user=agg password=s3cret dbname=news", "postgres://agg@db.example:5433/news"},
		{"postgres://agg:s3cret@[::1]:5432/news", "postgres://agg@[::1]:5432/news"},
		{"postgres://agg:s3cret@db:bad-port/news", "postgres://(invalid dsn)"},
	} {
		if got := Redact(tc.dsn); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
	}
	ctx := context.Background()
	for _, dsn := range []string{"postgres://agg:s3cret@db:bad-port/news", "host=x password=s3cret port=bad"} {
		_, err := Open(ctx, dsn)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q) = %v, want an error without the password", dsn, err)
		}
		_, err = Migrate(ctx, dsn)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Migrate(%q) = %v, want an error without the password", dsn, err)
		}
	}
	dsn := pgtest.NewDatabase(t)
	db := openTest(t)
	if strings.Contains(db.Name(), "sslmode") || !strings.HasPrefix(db.Name(), "postgres://postgres@127.0.0.1:") {
		t.Errorf("Name() = %q for %q", db.Name(), dsn)
	}
}
