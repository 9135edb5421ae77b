package report

import (
	"fmt"
	"strings"
)

// snippets are the loading examples of the card, built for the job's
// location (a local folder or an s3:// URL).
type snippets struct {
	Pandas, DuckDB, Datasets string
}

func loadSnippets(jobDir, root string) snippets {
	parts := jobDir + "/part-*.parquet"
	s := snippets{
		DuckDB: fmt.Sprintf("SELECT intent, split, count(*) AS n\nFROM read_parquet(%s, hive_partitioning = true)\nGROUP BY ALL ORDER BY intent, split;",
			sqlString(root+"/job_id=*/part-*.parquet")),
		Datasets: fmt.Sprintf("from datasets import load_dataset\n\nds = load_dataset(\"parquet\", data_files=%s, split=\"train\")\ntrain = ds.filter(lambda r: r[\"split\"] == \"train\")",
			pyString(parts)),
	}
	list := fmt.Sprintf("import glob\nimport pandas as pd\n\nfiles = sorted(glob.glob(%s))", pyString(parts))
	if strings.HasPrefix(jobDir, "s3://") {
		list = fmt.Sprintf("import pandas as pd\nimport s3fs\n\nfiles = [\"s3://\" + p for p in sorted(s3fs.S3FileSystem().glob(%s))]", pyString(parts))
	}
	s.Pandas = list + "\ndf = pd.concat((pd.read_parquet(f) for f in files), ignore_index=True)\ntrain = df[df.split == \"train\"]"
	return s
}
