package stream

// previewPage is the self-contained page served at /: the MJPEG preview
// (boxes drawn server-side) and stats plus a detection list from SSE. The
// image source is set after the load event so that the never-ending
// multipart response does not hold the page's load open.
const previewPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>retina stream</title>
<style>
body{font-family:sans-serif;margin:1em;background:#111;color:#eee}
#preview{max-width:100%;border:1px solid #444}
#stats span{margin-right:1.5em}
li{font-family:monospace}
</style></head>
<body>
<h1>retina stream</h1>
<img id="preview" alt="live preview">
<div id="stats"><span>frame <b id="frame">0</b></span><span>fps <b id="fps">-</b></span>
<span>latency p50 <b id="p50">-</b> ms, p95 <b id="p95">-</b> ms</span><span>drops <b id="drops">0</b></span>
<span>updates <b id="updates">0</b></span></div>
<ul id="detections"></ul>
<script>
(function(){
  var q = location.search;
  var updates = 0;
  window.addEventListener('load', function(){
    document.getElementById('preview').setAttribute('src', '/stream.mjpg' + q);
  });
  var es = new EventSource('/detections' + q);
  es.onmessage = function(ev){
    var m = JSON.parse(ev.data);
    updates++;
    document.getElementById('updates').textContent = updates;
    document.getElementById('frame').textContent = m.frame;
    document.getElementById('fps').textContent = m.fps.toFixed(1);
    document.getElementById('p50').textContent = m.p50_ms.toFixed(1);
    document.getElementById('p95').textContent = m.p95_ms.toFixed(1);
    document.getElementById('drops').textContent = m.drops;
    var ul = document.getElementById('detections');
    ul.textContent = '';
    m.detections.forEach(function(d){
      var li = document.createElement('li');
      li.textContent = d.label + ' ' + d.score.toFixed(2) + ' [' + d.box.map(function(v){return v.toFixed(0)}).join(' ') + ']';
      ul.appendChild(li);
    });
  };
})();
</script>
</body></html>
`
