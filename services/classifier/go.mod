module github.com/synthdesk/synthdesk/services/classifier

go 1.26.0

require github.com/synthdesk/synthdesk/pkg v0.0.0

replace github.com/synthdesk/synthdesk/pkg => ../../pkg
