// Package notify turns drawwatch alerts into messages and delivers them:
// Render builds the text, Router picks the targets for an event, Slack and
// Email send one alert each, and Dispatcher drains the outbox with retries.
//
// Rendering, routing and sending are separate so each can be tested alone.
package notify
