package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// queue is statements sent together in one round trip (a pgx.Batch), each
// named for its error.
type queue struct {
	b     pgx.Batch
	names []string
}

func (q *queue) add(name, sql string, args ...any) {
	q.b.Queue(sql, args...)
	q.names = append(q.names, name)
}

// run sends the statements on tx and returns the first error, named.
// PostgreSQL skips the statements after a failed one.
func (q *queue) run(ctx context.Context, tx pgx.Tx) error {
	br := tx.SendBatch(ctx, &q.b)
	var first error
	for _, name := range q.names {
		if _, err := br.Exec(); err != nil && first == nil {
			first = fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := br.Close(); err != nil && first == nil {
		first = err
	}
	return first
}
