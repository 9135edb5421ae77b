package pipeline

import (
	"context"
	"errors"
	"sync"
)

// RunAll runs the four stages in this process until ctx ends, as the
// embedded mode does; each stage is exactly what its service runs. The
// first stage to fail stops the others.
func RunAll(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stages := []func(context.Context, Config) error{RunGenerator, RunClassifier, RunValidator, RunSink}
	errs := make([]error, len(stages))
	var wg sync.WaitGroup
	for i, run := range stages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx, cfg); err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
