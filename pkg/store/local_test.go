package store_test

import (
	"testing"

	"github.com/synthdesk/synthdesk/pkg/store"
	"github.com/synthdesk/synthdesk/pkg/store/storetest"
)

func TestLocalContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.Local(t) })
}

func TestS3Contract(t *testing.T) {
	srv := storetest.S3(t)
	n := 0
	storetest.Run(t, func(t *testing.T) store.Store {
		n++
		return storetest.S3Store(t, srv, "run"+string(rune('a'+n))+"/out")
	})
}
