// Charts of the managers' metrics page (/relatorios/metricas/). Data comes from
// the JSON block the server renders; the table below the charts has the same
// numbers for screen readers and for printing.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("metricas-dados");
  if (!source || !window.Chart) {
    return;
  }
  const data = JSON.parse(source.textContent);
  const labels = data.dias.map((iso) => iso.split("-").reverse().slice(0, 2).join("/"));
  const palette = ["#1f6feb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"];
  const line = (label, values, index) => ({
    label, data: values, borderColor: palette[index % palette.length],
    backgroundColor: palette[index % palette.length], spanGaps: true, tension: 0.2,
  });
  const charts = {
    pesquisas: { type: "line", datasets: [line("Pesquisas", data.pesquisas, 0)] },
    sucesso: { type: "line", datasets: [line("% com resultado", data.sucesso, 2)] },
    tempo: {
      type: "line",
      datasets: [line("Média (ms)", data.tempo_medio, 0), line("p95 (ms)", data.tempo_p95, 1)],
    },
    cache: { type: "line", datasets: [line("% de acerto", data.cache, 2)] },
    exportacoes: {
      type: "bar",
      stacked: true,
      datasets: Object.entries(data.exportacoes).map(([format, values], i) =>
        line(format.toUpperCase(), values, i)),
    },
    acessos: {
      type: "line",
      datasets: [line("Logins com falha", data.logins_falhos, 3),
                 line("Usuários ativos", data.usuarios_ativos, 4)],
    },
    clientes: {
      type: "bar",
      datasets: [line("Novos", data.clientes_novos, 2), line("Inativados", data.clientes_inativados, 3)],
    },
  };
  document.querySelectorAll("canvas[data-grafico]").forEach((canvas) => {
    const spec = charts[canvas.dataset.grafico];
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels, datasets: spec.datasets },
      options: {
        animation: false,
        responsive: true,
        scales: { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } },
      },
    });
  });
});
