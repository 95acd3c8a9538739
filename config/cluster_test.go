package config

import (
	"strings"
	"testing"
	"time"
)

func TestPostgresStore(t *testing.T) {
	for _, s := range []string{"postgres://u:secret@db.example/news", "POSTGRESQL://db/news?sslmode=require", "postgres:///news"} {
		if !IsPostgres(s) {
			t.Errorf("IsPostgres(%q) = false", s)
		}
	}
	for _, s := range []string{"/var/lib/aggregator/a.db", "postgres.db", "file:postgres://x", ""} {
		if IsPostgres(s) {
			t.Errorf("IsPostgres(%q) = true", s)
		}
	}
	cfg, err := Parse("c.yaml", []byte(strings.Replace(valid, "store: /tmp/a.db", "store: postgres://news:s3cret@db.example/news", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cluster.JobTimeout != DefaultJobTimeout || cfg.Cluster.RescueAfter != DefaultRescueAfter || cfg.Cluster.PlacerLease != DefaultPlacerLease {
		t.Errorf("cluster defaults: %+v", cfg.Cluster)
	}
	_, err = Parse("c.yaml", []byte(strings.Replace(valid, "store: /tmp/a.db", "store: \"postgres://news:s3cret@db.example:port/news\"", 1)))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:2: store:") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad URL: %v; want an error at line 2 without the password", err)
	}
}

func TestClusterKeys(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(valid+"cluster:\n  workers: 4\n  job_timeout: 3s\n  placer_lease: 2s\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Cluster{Workers: 4, JobTimeout: 3 * time.Second, RescueAfter: DefaultRescueAfter, PlacerLease: 2 * time.Second}
	if cfg.Cluster != want {
		t.Errorf("cluster %+v, want %+v", cfg.Cluster, want)
	}
	bad := []struct{ yaml, key string }{
		{"cluster:\n  workers: -1\n", "cluster.workers"},
		{"cluster:\n  placer_lease: 10ms\n", "cluster.placer_lease"},
		{"cluster:\n  job_timeout: 10m\n  rescue_after: 2m\n", "cluster.rescue_after"},
	}
	for _, b := range bad {
		_, err := Parse("c.yaml", []byte(valid+b.yaml))
		if err == nil || !strings.Contains(err.Error(), b.key+":") {
			t.Errorf("%q: %v, want an error naming %s", b.yaml, err, b.key)
		}
	}
	// A job timeout above the default rescue time raises the rescue time.
	cfg, err = Parse("c.yaml", []byte(valid+"cluster:\n  job_timeout: 10m\n"))
	if err != nil || cfg.Cluster.RescueAfter != 10*time.Minute {
		t.Errorf("rescue_after with a long job_timeout: %v, %v", cfg.Cluster.RescueAfter, err)
	}
}
