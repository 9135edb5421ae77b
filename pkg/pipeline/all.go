package pipeline

import (
	"context"
	"errors"
	"sync"

	"github.com/synthdesk/synthdesk/pkg/bus"
)

// Connector opens a new bus connection for a stage, with the topology
// ensured.
type Connector func(ctx context.Context, stage string) (*bus.Conn, error)

// RunAll runs the four stages in this process until ctx ends, as the
// embedded mode does; each stage is exactly what its service runs. When
// connect is set every stage gets its own connection, as separate services
// have: a connection is one ordered stream of publishes and acks, and one
// shared by all stages makes each stage wait behind the others' traffic.
// The first stage to fail stops the others.
func RunAll(ctx context.Context, cfg Config, connect Connector) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stages := []struct {
		name string
		run  func(context.Context, Config) error
	}{{StageGenerator, RunGenerator}, {StageClassifier, RunClassifier}, {StageValidator, RunValidator}, {StageSink, RunSink}}
	errs := make([]error, len(stages))
	var wg sync.WaitGroup
	for i, st := range stages {
		scfg := cfg
		if connect != nil {
			conn, err := connect(ctx, st.name)
			if err != nil {
				if ctx.Err() == nil { // not merely stopped while starting
					errs[i] = err
				}
				cancel()
				break
			}
			defer conn.Close()
			scfg.Conn = conn
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.run(ctx, scfg); err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
