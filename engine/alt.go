package engine

// altTemplate compiles the layout's og:image:alt text: its own template,
// else its title field, else none.
func (c *compiler) altTemplate(alt string) *textTemplate {
	if alt != "" {
		return c.template("/alt", alt)
	}
	if _, ok := c.fields["title"]; ok {
		return c.template("/alt", "{{title}}")
	}
	return nil
}

// Alt is the card's og:image:alt text for data: the layout's alt
// template, by default its title field; "" when it has neither.
func (t *Template) Alt(data Data) (string, error) {
	if t.alt == nil {
		return "", nil
	}
	vals, err := t.bind(data)
	if err != nil {
		return "", err
	}
	return t.alt.execute(vals), nil
}
