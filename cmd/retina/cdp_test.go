package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
)

// cdp is a minimal Chrome DevTools Protocol client: JSON-RPC over the
// browser's websocket, with flattened sessions for page targets.
type cdp struct {
	ws *websocket.Conn
	id int
}

func dialCDP(wsURL string) (*cdp, error) {
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("devtools websocket %s: %v", wsURL, err)
	}
	return &cdp{ws: ws}, nil
}

func (c *cdp) Close() error { return c.ws.Close() }

// call sends method with params to session ("" for the browser) and decodes
// the result into result (if not nil), skipping events on the way.
func (c *cdp) call(session, method string, params, result any) error {
	c.id++
	msg := map[string]any{"id": c.id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	c.ws.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if err := c.ws.WriteJSON(msg); err != nil {
		return fmt.Errorf("%s: %v", method, err)
	}
	c.ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		var resp struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := c.ws.ReadJSON(&resp); err != nil {
			return fmt.Errorf("%s: %v", method, err)
		}
		if resp.ID != c.id {
			continue // an event, or an answer to an earlier call
		}
		if resp.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, resp.Error.Message, resp.Error.Code)
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(resp.Result, result)
	}
}

// openPage creates a page target at url and attaches to it, returning the
// session to evaluate in.
func (c *cdp) openPage(url string) (string, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := c.call("", "Target.createTarget", map[string]any{"url": url}, &target); err != nil {
		return "", err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	err := c.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	return att.SessionID, err
}

// eval runs a JavaScript expression in the page (waiting for it if it is a
// promise) and decodes its JSON string value into out.
func (c *cdp) eval(session, expr string, out any) error {
	var r struct {
		Result struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := c.call(session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r); err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("evaluating %.60q: %s %s", expr, r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	s, ok := r.Result.Value.(string)
	if !ok {
		return fmt.Errorf("evaluating %.60q: got a %s, want a JSON string", expr, r.Result.Type)
	}
	return json.Unmarshal([]byte(s), out)
}
