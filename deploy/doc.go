// Package deploy holds the tests that keep synthdesk's deployment files
// honest. There is no container engine or cluster on a developer machine or
// in CI, so the Dockerfile, docker-compose.yml, the kustomize tree under
// k8s/, the NATS configuration and the Grafana dashboard are parsed here with
// the same libraries the real tools use and checked against the services'
// runtime contract in testdata/contract.yaml.
package deploy
