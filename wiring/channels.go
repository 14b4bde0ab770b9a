package wiring

import (
	"fmt"

	"github.com/drawwatch/drawwatch/config"
	"github.com/drawwatch/drawwatch/notify"
)

// channelNotifiers builds the [[webhook]], [[teams]], [[telegram]] and
// [[discord]] targets.
func (a *App) channelNotifiers(router *notify.Router) ([]notify.Notifier, error) {
	zone := config.ScheduleZone(a.Config.Schedule.Cron)
	timeout := a.Config.Fetch.Timeout.Duration
	var ns []notify.Notifier
	for _, w := range a.Config.Webhook {
		n, err := notify.NewWebhook(notify.WebhookConfig{Name: w.Name, URL: w.URL, Secret: w.Secret, Timeout: timeout},
			notify.WithWebhookZone(zone))
		if err != nil {
			return nil, configErr(fmt.Errorf("webhook target %q: %w", w.Name, err))
		}
		ns = append(ns, n)
	}
	for _, t := range a.Config.Teams {
		n, err := notify.NewTeams(notify.TeamsConfig{Name: t.Name, WebhookURL: t.WebhookURL, Timeout: timeout},
			notify.WithTeamsHighlight(router.HighlightFor), notify.WithTeamsZone(zone))
		if err != nil {
			return nil, configErr(fmt.Errorf("teams target %q: %w", t.Name, err))
		}
		ns = append(ns, n)
	}
	for _, t := range a.Config.Telegram {
		n, err := notify.NewTelegram(notify.TelegramConfig{Name: t.Name, Token: t.Token, ChatID: t.ChatID, APIURL: t.APIURL, Timeout: timeout},
			notify.WithTelegramHighlight(router.HighlightFor), notify.WithTelegramZone(zone))
		if err != nil {
			return nil, configErr(fmt.Errorf("telegram target %q: %w", t.Name, err))
		}
		ns = append(ns, n)
	}
	for _, d := range a.Config.Discord {
		n, err := notify.NewDiscord(notify.DiscordConfig{Name: d.Name, WebhookURL: d.WebhookURL, Timeout: timeout},
			notify.WithDiscordHighlight(router.HighlightFor), notify.WithDiscordZone(zone))
		if err != nil {
			return nil, configErr(fmt.Errorf("discord target %q: %w", d.Name, err))
		}
		ns = append(ns, n)
	}
	return ns, nil
}
