package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wirestory/aggregator/config"
	"github.com/wirestory/aggregator/store"
	"github.com/wirestory/aggregator/store/postgres"
)

// runMigrate brings the store's schema to this binary's. A PostgreSQL
// database is migrated by postgres.Migrate (ours, then River's, under an
// advisory lock: instances migrating at once take turns), which serve,
// fetch and the other commands never do; a SQLite store migrates itself
// whenever it is opened.
func runMigrate(ctx context.Context, e *env, args []string) error {
	cfg, _, err := configOnly(ctx, e, "migrate", args)
	if err != nil {
		return err
	}
	name := storeName(cfg.Store)
	if !config.IsPostgres(cfg.Store) {
		if err := os.MkdirAll(filepath.Dir(cfg.Store), 0o750); err != nil {
			return fmt.Errorf("create store directory: %w", err)
		}
		db, err := store.Open(ctx, cfg.Store)
		if err != nil {
			return err
		}
		if err := db.Close(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: SQLite, which migrates itself when opened: the schema is current\n", name)
		return nil
	}
	applied, err := postgres.Migrate(ctx, cfg.Store)
	if err != nil {
		return err
	}
	if len(applied.Ours)+len(applied.River) == 0 {
		fmt.Fprintf(e.stdout, "%s: the schema is current, nothing to apply\n", name)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: applied schema versions %v, River's %v\n", name, applied.Ours, applied.River)
	return nil
}
