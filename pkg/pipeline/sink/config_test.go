package sink

import (
	"strings"
	"testing"

	"github.com/synthdesk/synthdesk/pkg/pipeline"
)

// TestConfigValidate: the zero config takes the defaults, which must be
// settings the sink accepts (pipeline.DefaultCompression is one of
// dataset's codecs), and every bad setting is reported at once.
func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{name: "defaults", cfg: Config{}},
		{name: "zstd", cfg: Config{Compression: "zstd"}},
		{name: "unknown codec", cfg: Config{Compression: "gzip"}, want: []string{`compression "gzip" is not one of snappy, zstd`}},
		{name: "every problem at once", cfg: Config{Compression: "lz4", Layout: pipeline.Layout{BatchRows: -1, Partitions: 65}},
			want: []string{"compression", "batch rows must be from 1 to 100000", "sink partitions must be from 1 to 64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("invalid config accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
