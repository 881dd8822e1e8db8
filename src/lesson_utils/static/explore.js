// lesson_utils.explore 的网页控件：在预先算好的图之间切换，不需要内核、网络或 ipywidgets。
// 数据（JSON）：labels、values（各控件网页上的取值文字）、defaults（默认值的下标）、
// frames（[各控件下标组成的 key, 图的编号]）、images（base64 PNG；默认图是空串，它已经在 <img> 里）。
function luExplore(root) {
  var data = JSON.parse(root.querySelector("script.lu-explore-data").textContent);
  var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-control]"));
  var figure = root.querySelector("img.lu-explore-figure");
  var status = root.querySelector(".lu-explore-status");
  var defaultSource = figure.src;

  function wanted() {
    return inputs.map(function (input) {
      return input.type === "text" ? 0 : Number(input.value);
    });
  }

  // 含有刚改动的那个值、其余控件与当前取值相同的最多（其次与默认值相同的最多）的那一张
  function bestFrame(target, changed) {
    var best = null;
    var bestScore = -1;
    data.frames.forEach(function (frame) {
      var key = frame[0];
      if (changed !== null && key[changed] !== target[changed]) return;
      var score = 0;
      key.forEach(function (value, i) {
        if (value === target[i]) score += inputs.length + 1;
        else if (value === data.defaults[i]) score += 1;
      });
      if (score > bestScore) {
        best = frame;
        bestScore = score;
      }
    });
    return best;
  }

  function setControl(input, index) {
    if (input.type === "text") return;
    input.value = String(index);
    var shown = data.values[Number(input.dataset.control)][index];
    if (input.type === "range") {
      input.setAttribute("aria-valuetext", shown);
      var output = input.parentNode.querySelector("output");
      if (output) output.textContent = shown;
    }
  }

  function update(changed) {
    var target = wanted();
    var frame = bestFrame(target, changed);
    var reset = [];
    frame[0].forEach(function (index, i) {
      if (index !== target[i]) reset.push(data.labels[i]);
      setControl(inputs[i], index);
    });
    var image = data.images[frame[1]];
    figure.src = image ? "data:image/png;base64," + image : defaultSource;
    status.textContent = reset.length
      ? "这个组合没有预先算图，" + reset.join("、") + " 已回到默认值（Jupyter 里可以任意组合）。"
      : "";
  }

  // 只听 input：滑块和下拉框改值时都会触发它；再听 change 会把刚写好的“已回到默认值”清掉
  inputs.forEach(function (input, i) {
    input.addEventListener("input", function () {
      update(i);
    });
  });
}
