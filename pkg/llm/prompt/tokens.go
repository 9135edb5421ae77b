package prompt

// TokensEstimate is a rough token count of s (about four bytes per token),
// for usage reports when a server does not return token counts.
func TokensEstimate(s string) int {
	return (len(s) + 3) / 4
}
