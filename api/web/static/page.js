// Map page: interaction on top of a page the server draws in full.
// Without this script every link and the filter form still work; with it,
// filters redraw the map in place, territories open their profile from the
// API as JSON, hover shows a tooltip and the table sorts in place.
// No framework, no request to any other host.
(function () {
  'use strict';

  var cfg;
  function readConfig(doc) {
    var el = doc.getElementById('page-config');
    return el ? JSON.parse(el.textContent) : null;
  }
  cfg = readConfig(document);
  if (!cfg) return;
  document.documentElement.classList.add('js');

  function t(key) { return (cfg.t && cfg.t[key]) || key; }

  // Numbers as the server writes them: whole numbers bare, one decimal,
  // two under 1.
  function fmt(v) {
    var dec = 1;
    if (Math.round(v) === v) dec = 0; else if (Math.abs(v) < 1) dec = 2;
    return new Intl.NumberFormat(cfg.lang === 'en' ? 'en-GB' : 'fr-FR',
      { minimumFractionDigits: dec, maximumFractionDigits: dec }).format(v);
  }
  // In a profile the label names the figure: only % and km are repeated.
  function display(id, v) {
    if (!v || v.value === null || v.value === undefined) return t('na');
    var ind = cfg.indicators[id] || {}, s = fmt(v.value);
    if (ind.unit === '%') s += '\u00a0%'; else if (ind.unit === 'km') s += ' km';
    if (v['class']) s += ' — ' + t(v['class']);
    return s;
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // ---- Selection and profile -------------------------------------------

  function currentURL() { return new URL(window.location.href); }

  function select(code) {
    var svg = document.querySelector('#map-figure svg.map');
    if (!svg) return;
    svg.querySelectorAll('path.selected').forEach(function (o) { o.remove(); });
    document.querySelectorAll('table.values tr.selected').forEach(function (tr) {
      tr.classList.remove('selected'); tr.removeAttribute('aria-current');
    });
    if (!code) return;
    var p = svg.querySelector('path[data-code="' + CSS.escape(code) + '"]');
    if (p) {
      // The same two strokes as the server draws: a halo, then a fine line.
      [['#ffbf47', '5'], ['#000000', '1.4']].forEach(function (s) {
        var hl = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        hl.setAttribute('class', 'selected');
        hl.setAttribute('d', p.getAttribute('d'));
        hl.setAttribute('fill', 'none');
        hl.setAttribute('stroke', s[0]);
        hl.setAttribute('stroke-width', s[1]);
        hl.setAttribute('stroke-linejoin', 'round');
        hl.setAttribute('pointer-events', 'none');
        svg.appendChild(hl);
      });
    }
    var tr = document.querySelector('table.values tr[data-code="' + CSS.escape(code) + '"]');
    if (tr) { tr.classList.add('selected'); tr.setAttribute('aria-current', 'true'); }
  }

  function nearZones(code) {
    var p = document.querySelector('#map-figure path[data-code="' + CSS.escape(code) + '"]');
    var ids = p && p.getAttribute('data-near') ? p.getAttribute('data-near').split(' ') : [];
    return ids.map(function (id) {
      var li = document.getElementById('zone-' + id);
      return li ? li.textContent.replace(/\s+/g, ' ').trim() : (cfg.zones[id] || id);
    });
  }

  function renderProfile(data, code) {
    var sec = document.getElementById('profile');
    sec.textContent = '';
    var head = el('div', { 'class': 'profile-head' });
    var h = el('h2', { id: 'profile-h' }, data.territory.name + ' ');
    h.appendChild(el('span', { 'class': 'code' }, '(' + data.territory.code + ')'));
    head.appendChild(h);
    var u = currentURL(); u.searchParams.delete('code'); u.hash = 'map';
    head.appendChild(el('a', { 'class': 'close', href: u.pathname + u.search + u.hash, 'data-close': '' }, t('close')));
    sec.appendChild(head);
    var sub = document.querySelector('#map-heading .sub');
    sec.appendChild(el('p', { 'class': 'profile-meta' }, sub ? sub.textContent : ''));

    cfg.profileGroups.forEach(function (g) {
      var dl = el('dl');
      g.ids.forEach(function (id) {
        var v = data.indicators[id];
        if (!v) return;
        var row = el('div');
        row.appendChild(el('dt', null, (cfg.indicators[id] || {}).title || id));
        var dd = el('dd', null, display(id, v));
        var note = cfg.lang === 'en' ? v.note : (v.note_fr || v.note);
        if (note) { dd.appendChild(document.createTextNode(' ')); dd.appendChild(el('small', null, note)); }
        row.appendChild(dd);
        dl.appendChild(row);
      });
      if (dl.children.length) { sec.appendChild(el('h3', null, t(g.key))); sec.appendChild(dl); }
    });

    var fams = (data.families || []).filter(function (f) { return f.share_pct !== null; });
    if (fams.length) {
      sec.appendChild(el('h3', null, t('familiesShare')));
      var fdl = el('dl');
      fams.map(function (f) { return { label: cfg.families[f.family] || f.family, v: f.share_pct }; })
        .sort(function (a, b) { return a.label.localeCompare(b.label); })
        .forEach(function (f) {
          var row = el('div');
          row.appendChild(el('dt', null, f.label));
          row.appendChild(el('dd', null, fmt(f.v) + '\u00a0%'));
          fdl.appendChild(row);
        });
      sec.appendChild(fdl);
    }

    var nd = data.needs;
    if (nd) {
      sec.appendChild(el('h3', null, t('needs')));
      sec.appendChild(el('p', null, cfg.lang === 'en' ? nd.sentence_en : nd.sentence_fr));
      var jobs = (nd.jobs || []).filter(function (j) { return j.projects !== null; }).slice(0, 5);
      if (jobs.length) {
        var jdl = el('dl');
        jobs.forEach(function (j) {
          var row = el('div');
          row.appendChild(el('dt', null, j.label));
          var v = fmt(j.projects) + ' ' + t('projects');
          if (j.difficult_pct !== null) v += ', ' + fmt(j.difficult_pct) + '\u00a0% ' + t('difficult');
          row.appendChild(el('dd', null, v));
          jdl.appendChild(row);
        });
        sec.appendChild(jdl);
      }
      var np = el('p');
      np.appendChild(el('a', { href: '/api/v1/territories/' + cfg.level + '/' + encodeURIComponent(data.territory.code) + '/needs.csv' + (cfg.csv || cfg.api) }, t('needsAll')));
      sec.appendChild(np);
    }

    sec.appendChild(el('h3', null, t('nearGaps')));
    if (!document.querySelector('#gaps ol') && document.querySelector('#gaps .notice')) {
      sec.appendChild(el('p', { 'class': 'muted' }, t('gapsUnavail')));
    } else {
      var near = nearZones(code);
      if (near.length) {
        var ul = el('ul');
        near.forEach(function (z) { ul.appendChild(el('li', null, z)); });
        sec.appendChild(ul);
      } else sec.appendChild(el('p', { 'class': 'muted' }, t('noNearGaps')));
    }

    var fm = data.formations || { total: 0, items: [] };
    sec.appendChild(el('h3', null, t('formations') + ' (' + fm.total + ')'));
    var q = currentURL().searchParams;
    if (q.get('year') || q.get('wave')) sec.appendChild(el('p', { 'class': 'muted small' }, t('listUnfiltered')));
    if (fm.by_programme && fm.by_programme.length) {
      sec.appendChild(el('h4', null, t('byProgramme')));
      var bp = el('ul', { 'class': 'by-programme' });
      fm.by_programme.forEach(function (p) {
        var li = el('li');
        li.appendChild(el('a', { href: p.href }, cfg.lang === 'en' ? p.title_en : p.title));
        li.appendChild(document.createTextNode(t('colon') + ' ' + p.total));
        if (p.synthetic) { li.appendChild(document.createTextNode(' ')); li.appendChild(el('small', null, '(' + t('syntheticData') + ')')); }
        bp.appendChild(li);
      });
      sec.appendChild(bp);
    }
    if (fm.items && fm.items.length) {
      var list = el('ul', { 'class': 'formations' });
      fm.items.forEach(function (f) {
        var li = el('li');
        li.appendChild(el('a', { href: pin(f.href) }, f.title));
        li.appendChild(el('span', { 'class': 'muted' }, ' — ' + f.structure + (f.commune ? ', ' + f.commune : '') + (f.programme ? ' · ' + f.programme : '')));
        list.appendChild(li);
      });
      sec.appendChild(list);
      var more = '/api/v1/formations?' + (cfg.level === 'region' ? 'region=' : 'departement=') + encodeURIComponent(code);
      var fam = currentURL().searchParams.get('family');
      if (fam) more += '&family=' + encodeURIComponent(fam);
      var prog = currentURL().searchParams.get('programme');
      if (prog) more += '&programme=' + encodeURIComponent(prog);
      var pm = el('p'); pm.appendChild(el('a', { href: pin(fm.more || more) }, t('allFormations'))); sec.appendChild(pm);
    } else sec.appendChild(el('p', { 'class': 'muted' }, t('noFormations')));
    var pj = el('p'); pj.appendChild(el('a', { href: profileURL(code) }, 'JSON')); sec.appendChild(pj);
  }

  // pin keeps a replayed snapshot in the API's links.
  function pin(u) {
    if (!cfg.snapshot || !u || /[?&]snapshot=/.test(u)) return u;
    return u + (u.indexOf('?') < 0 ? '?' : '&') + 'snapshot=' + encodeURIComponent(cfg.snapshot);
  }

  function profileURL(code) {
    return '/api/v1/territories/' + cfg.level + '/' + encodeURIComponent(code) + '/profile' + cfg.api;
  }

  // openProfile shows a territory's profile without leaving the page: from
  // the API as JSON, or else the profile the server draws into the page.
  function openProfile(code, href) {
    var sec = document.getElementById('profile');
    sec.setAttribute('aria-busy', 'true');
    select(code);
    var u = currentURL(); u.searchParams.set('code', code); u.hash = 'profile';
    history.replaceState(null, '', u.pathname + u.search + u.hash);
    return fetch(profileURL(code), { headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('profile ' + res.status);
        return res.json();
      })
      .then(function (data) { renderProfile(data, code); })
      .catch(function () {
        return fetch(href, { headers: { Accept: 'text/html' } })
          .then(function (res) { if (!res.ok) throw new Error('page ' + res.status); return res.text(); })
          .then(function (html) {
            var doc = new DOMParser().parseFromString(html, 'text/html');
            var fresh = doc.getElementById('profile');
            if (!fresh) throw new Error('no profile');
            sec.innerHTML = fresh.innerHTML;
          })
          .catch(function () { window.location.href = href; });
      })
      .then(function () {
        sec.removeAttribute('aria-busy');
        sec.focus({ preventScroll: true });
        if (window.matchMedia('(max-width: 820px)').matches) sec.scrollIntoView({ behavior: 'smooth', block: 'start' });
      });
  }

  function closeProfile(href) {
    var sec = document.getElementById('profile');
    sec.textContent = '';
    sec.appendChild(el('h2', { id: 'profile-h' }, t('profile')));
    sec.appendChild(el('p', { 'class': 'muted' }, t('profileHint')));
    select('');
    history.replaceState(null, '', href);
  }

  // ---- Filters: redraw in place ----------------------------------------

  var swapped = ['notices', 'map-heading', 'map-figure', 'legend', 'simulate', 'gaps', 'profile', 'table', 'downloads', 'filters', 'lang-switch', 'synthetic'];
  var pending = null;

  function load(url, push) {
    if (pending) pending.abort();
    var ctl = new AbortController();
    pending = ctl;
    document.body.classList.add('loading');
    document.body.setAttribute('aria-busy', 'true');
    return fetch(url, { signal: ctl.signal, headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) throw new Error('page ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        swapped.forEach(function (id) {
          var cur = document.getElementById(id), fresh = doc.getElementById(id);
          if (cur && fresh) cur.replaceWith(document.importNode(fresh, true));
        });
        document.title = doc.title;
        cfg = readConfig(doc) || cfg;
        bindTips();
        if (push) history.pushState(null, '', url);
        pending = null;
      })
      .catch(function (err) {
        if (err && err.name === 'AbortError') return;
        window.location.href = url;
      })
      .then(function () {
        document.body.classList.remove('loading');
        document.body.removeAttribute('aria-busy');
      });
  }

  function formURL(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v !== '') params.set(k, v); });
    var q = params.toString();
    return '/' + (q ? '?' + q : '');
  }

  document.addEventListener('change', function (e) {
    var form = e.target.closest && e.target.closest('form#filters');
    if (form) load(formURL(form), true);
  });
  document.addEventListener('submit', function (e) {
    if (e.target.id === 'filters') { e.preventDefault(); load(formURL(e.target), true); }
  });
  window.addEventListener('popstate', function () { load(window.location.pathname + window.location.search, false); });

  // ---- Clicks: territories, close, table sort ---------------------------

  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = e.target.closest && e.target.closest('a');
    // Communes are drawn without a link each (the page would triple): a
    // click on one opens its profile all the same.
    var bare = !a && e.target.closest && e.target.closest('svg.map path[data-code]');
    // Simulate mode: a click on the map adds a site (the server's links
    // say where), the panel's links add or remove one; the page redraws
    // in place and its URL, the simulation's permalink, follows.
    if (cfg.simulate && bare) {
      var su = currentURL();
      su.searchParams.append('site', bare.getAttribute('data-code') + ',' + cfg.siteFamily);
      su.hash = 'simulate';
      load(su.pathname + su.search, true);
      return;
    }
    if (a && (a.classList.contains('sim-link') || cfg.simulate && a.matches('svg.map a.territory'))) {
      e.preventDefault();
      load(a.getAttribute('href').split('#')[0], true);
      return;
    }
    if (bare) {
      var u = currentURL(); u.searchParams.set('code', bare.getAttribute('data-code')); u.hash = 'profile';
      openProfile(bare.getAttribute('data-code'), u.pathname + u.search + u.hash);
      return;
    }
    if (!a) return;
    if (a.matches('svg.map a.territory')) {
      var path = a.querySelector('path');
      e.preventDefault();
      // The Paris inset draws the same territories again, as data-zoom.
      openProfile(path.getAttribute('data-code') || path.getAttribute('data-zoom'), a.getAttribute('href'));
    } else if (a.classList.contains('territory-link')) {
      e.preventDefault();
      openProfile(a.getAttribute('data-code'), a.getAttribute('href'));
    } else if (a.hasAttribute('data-close')) {
      e.preventDefault();
      closeProfile(a.getAttribute('href'));
    } else if (a.classList.contains('sort')) {
      e.preventDefault();
      sortTable(a.closest('th'));
    }
  });

  function sortTable(th) {
    var key = th.getAttribute('data-key');
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    var table = th.closest('table');
    table.querySelectorAll('thead th[aria-sort]').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var coll = new Intl.Collator(cfg.lang, { sensitivity: 'base', numeric: true });
    var sign = dir === 'ascending' ? 1 : -1;
    rows.sort(function (a, b) {
      if (key === 'value') {
        var x = a.getAttribute('data-value'), y = b.getAttribute('data-value');
        if (x === '' || y === '') return (x === '') - (y === ''); // not available last
        return sign * (parseFloat(x) - parseFloat(y));
      }
      var ka = key === 'name' ? a.getAttribute('data-name') : a.getAttribute('data-code');
      var kb = key === 'name' ? b.getAttribute('data-name') : b.getAttribute('data-code');
      return sign * coll.compare(ka, kb);
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
    var u = currentURL();
    u.searchParams.set('sort', (dir === 'descending' ? '-' : '') + key);
    history.replaceState(null, '', u.pathname + u.search + '#table');
  }

  // ---- Tooltip on hover and keyboard focus ------------------------------

  var tip = document.getElementById('tooltip');
  function bindTips() {
    // The script's tooltip replaces the browser's, which would show the same
    // text a second later; the link's aria-label still names the territory.
    document.querySelectorAll('#map-figure svg.map path[data-code] > title, #map-figure svg.map path[data-zoom] > title').forEach(function (ti) {
      ti.parentNode.setAttribute('data-tip', ti.textContent);
      ti.remove();
    });
  }
  function showTip(path, x, y) {
    tip.textContent = path.getAttribute('data-tip') || '';
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.min(x + 14, window.scrollX + document.documentElement.clientWidth - w - 4);
    tip.style.left = Math.max(window.scrollX + 4, left) + 'px';
    tip.style.top = (y - h - 10 < window.scrollY ? y + 18 : y - h - 10) + 'px';
  }
  function hideTip() { tip.hidden = true; }
  document.addEventListener('mousemove', function (e) {
    var p = e.target.closest && e.target.closest('svg.map path[data-tip]');
    if (p) showTip(p, e.pageX, e.pageY); else if (!tip.hidden) hideTip();
  });
  document.addEventListener('focusin', function (e) {
    var p = e.target.matches && e.target.matches('svg.map a.territory') ? e.target.querySelector('path[data-tip]') : null;
    if (!p) { hideTip(); return; }
    var r = p.getBoundingClientRect();
    showTip(p, r.left + window.scrollX + r.width / 2, r.top + window.scrollY + r.height / 2);
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') hideTip(); });
  bindTips();
})();
