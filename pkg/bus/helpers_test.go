package bus_test

import "github.com/synthdesk/synthdesk/pkg/record"

type jobRecord = record.Job

func jobState(id string) record.Job { return record.Job{ID: id, Status: record.StatusRunning} }
