package stream

// previewPage is the self-contained page served at /: the MJPEG preview
// (boxes drawn server-side), stats, the camera's state and a detection list
// from SSE, and the recent events (fetched from /events whenever the SSE
// says their count changed). The image source is set after the load event
// so that the never-ending multipart response does not hold the page's load
// open.
const previewPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>retina stream</title>
<style>
body{font-family:sans-serif;margin:1em;background:#111;color:#eee}
#preview{max-width:100%;border:1px solid #444}
#stats span{margin-right:1.5em}
#camera.down{color:#f55}
li{font-family:monospace}
a{color:#8cf}
.cols{display:flex;gap:2em;flex-wrap:wrap}
</style></head>
<body>
<h1>retina stream</h1>
<img id="preview" alt="live preview">
<div id="stats"><span>camera <b id="camera">-</b></span><span>frame <b id="frame">0</b></span><span>fps <b id="fps">-</b></span>
<span>latency p50 <b id="p50">-</b> ms, p95 <b id="p95">-</b> ms</span><span>drops <b id="drops">0</b></span>
<span>updates <b id="updates">0</b></span></div>
<div class="cols">
<div><h2>Detections</h2><ul id="detections"></ul></div>
<div><h2>Events</h2><ul id="events"></ul></div>
</div>
<script>
(function(){
  var q = location.search;
  var updates = 0, eventsTotal = -1, fetching = false;
  window.addEventListener('load', function(){
    document.getElementById('preview').setAttribute('src', '/stream.mjpg' + q);
  });
  function text(id, v){ document.getElementById(id).textContent = v; }
  function showCamera(m){
    var c = document.getElementById('camera');
    if (m.camera_up) { c.textContent = 'up'; c.className = ''; return; }
    var s = 'DOWN';
    if (m.camera_since) s += ' since ' + new Date(m.camera_since).toLocaleTimeString();
    if (m.camera_error) s += ': ' + m.camera_error;
    c.textContent = s; c.className = 'down';
  }
  function loadEvents(total){
    if (fetching) return;
    fetching = true;
    fetch('/events' + q, {cache: 'no-store'}).then(function(r){ return r.json(); }).then(function(evs){
      var ul = document.getElementById('events');
      ul.textContent = '';
      evs.forEach(function(e){
        var li = document.createElement('li');
        li.textContent = new Date(e.start).toLocaleTimeString() + ' #' + e.track + ' ' + e.label + ' ' + e.type +
          ' ' + e.top_score.toFixed(2) + (e.zones.length ? ' in ' + e.zones.join(',') : '') + ' ';
        if (e.has_snapshot) {
          var a = document.createElement('a');
          a.href = '/events/' + encodeURIComponent(e.id) + '/snapshot.jpg' + q;
          a.textContent = 'snapshot';
          li.appendChild(a);
        }
        ul.appendChild(li);
      });
      eventsTotal = total;
    }).finally(function(){ fetching = false; });
  }
  var es = new EventSource('/detections' + q);
  es.onmessage = function(ev){
    var m = JSON.parse(ev.data);
    updates++;
    text('updates', updates);
    text('frame', m.frame);
    text('fps', m.fps.toFixed(1));
    text('p50', m.p50_ms.toFixed(1));
    text('p95', m.p95_ms.toFixed(1));
    text('drops', m.drops);
    showCamera(m);
    var ul = document.getElementById('detections');
    ul.textContent = '';
    m.detections.forEach(function(d){
      var li = document.createElement('li');
      li.textContent = (d.track ? '#' + d.track + ' ' : '') + d.label + ' ' + d.score.toFixed(2) +
        ' [' + d.box.map(function(v){return v.toFixed(0)}).join(' ') + ']';
      ul.appendChild(li);
    });
    if (m.events_total !== eventsTotal) loadEvents(m.events_total);
  };
})();
</script>
</body></html>
`
