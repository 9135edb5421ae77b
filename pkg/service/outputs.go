package service

import (
	"flag"

	"github.com/synthdesk/synthdesk/pkg/store/location"
)

// BindOutputs registers the flags that confine the outputs requests may
// name. A service always confines: local outputs only inside the output
// root (none without one), S3 outputs only in the allowed locations when
// any are given. The generator refuses other outputs at intake and the
// sink refuses to write them, so both run with the same values.
func BindOutputs(fs *flag.FlagSet, env Env, p *location.Policy) {
	p.Confined = true
	fs.StringVar(&p.Root, "output-root", Str(env, "SYNTHDESK_OUTPUT_ROOT", ""), "absolute folder local outputs of requests must lie in; empty refuses local outputs in requests [SYNTHDESK_OUTPUT_ROOT]")
	p.Allowed = SplitList(Str(env, "SYNTHDESK_ALLOWED_OUTPUTS", ""))
	fs.Func("allowed-outputs", "comma-separated buckets or s3://bucket/prefix requests may write to; empty allows any bucket [SYNTHDESK_ALLOWED_OUTPUTS]", func(v string) error {
		p.Allowed = SplitList(v)
		return nil
	})
}
