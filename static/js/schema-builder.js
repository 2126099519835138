/* The e-form builder of the catalogue admin: a visual editor over the JSON Schema textarea.
 * Progressive enhancement: without JavaScript the clerk edits the JSON as before; with it,
 * this file edits the same JSON (the textarea stays, folded, as the advanced view). The server
 * checks the schema on save and on preview (procedures/forms_schema.py); this file only helps. */
(function () {
  "use strict";

  var KINDS = [
    ["text", "Văn bản"],
    ["paragraph", "Đoạn văn"],
    ["integer", "Số"],
    ["number", "Số thập phân"],
    ["date", "Ngày"],
    ["email", "Thư điện tử"],
    ["choice", "Lựa chọn"],
    ["boolean", "Có/Không"],
    ["repeat", "Nhóm lặp lại"],
  ];
  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function kindOf(prop) {
    if (prop.type === "array") return "repeat";
    if (prop.type === "boolean") return "boolean";
    if (prop.type === "integer") return "integer";
    if (prop.type === "number") return "number";
    if (prop.enum) return "choice";
    if (prop.format === "date") return "date";
    if (prop.format === "email") return "email";
    if (prop["x-widget"] === "textarea") return "paragraph";
    return "text";
  }

  function setKind(prop, kind) {
    var title = prop.title;
    var keep = { title: title };
    if (prop.description) keep.description = prop.description;
    if (kind === "repeat") {
      keep.type = "array";
      keep.items = prop.items || { type: "object", properties: {}, required: [] };
    } else if (kind === "boolean" || kind === "integer" || kind === "number") {
      keep.type = kind;
    } else {
      keep.type = "string";
      if (kind === "date") keep.format = "date";
      if (kind === "email") keep.format = "email";
      if (kind === "paragraph") keep["x-widget"] = "textarea";
      if (kind === "choice") keep.enum = prop.enum || ["Có", "Không"];
    }
    return keep;
  }

  // Machine name from a Vietnamese title: "Ngày cấp" -> "ngay_cap".
  function slug(text) {
    var s = (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase()
      .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
    if (!s || /^[0-9]/.test(s)) s = "truong_" + s;
    return s;
  }

  function order(node) {
    var names = Object.keys(node.properties || {});
    var kept = (node["x-order"] || []).filter(function (n) { return names.indexOf(n) >= 0; });
    return kept.concat(names.filter(function (n) { return kept.indexOf(n) < 0; }));
  }

  function Builder(textarea) {
    this.textarea = textarea;
    this.root = el("div", { class: "schema-builder" });
    this.status = el("p", { class: "schema-builder-status", role: "status" });
    textarea.closest(".schema-editor").insertBefore(this.root, textarea.closest("details"));
    this.root.appendChild(this.status);
    this.body = el("div");
    this.root.appendChild(this.body);
    this.resume = el("button", { type: "button", class: "button", hidden: "",
      text: "Cập nhật trình soạn theo JSON" });
    this.root.appendChild(this.resume);
    var self = this;
    this.resume.addEventListener("click", function () { self.load(); });
    // While the clerk types JSON, the builder steps aside (hidden at the first keystroke, so
    // that nothing moves under the pointer later) and comes back when the JSON is folded.
    textarea.addEventListener("input", function () {
      if (self.stale) return;
      self.stale = true;
      self.body.hidden = true;
      self.resume.hidden = false;
      self.status.textContent = "Bạn đang sửa JSON trực tiếp; trình soạn sẽ cập nhật khi " +
        "bạn thu gọn phần JSON hoặc bấm nút dưới đây.";
    });
    var details = textarea.closest("details");
    if (details) {
      details.addEventListener("toggle", function () {
        if (!details.open && self.stale) self.load();
      });
    }
    this.load();
  }

  Builder.prototype.load = function () {
    var text = this.textarea.value.trim();
    this.stale = false;
    this.body.hidden = false;
    this.resume.hidden = true;
    this.body.textContent = "";
    try {
      this.schema = text ? JSON.parse(text) : { type: "object", properties: {}, required: [] };
    } catch (e) {
      this.schema = null;
      this.status.textContent = "Nội dung JSON đang bị lỗi nên chưa hiện được trình soạn: " +
        "mở “JSON (nâng cao)” để sửa, hoặc bấm “Kiểm tra và xem trước tờ khai” để biết chỗ lỗi.";
      return;
    }
    if (!this.schema.properties) this.schema.properties = {};
    this.status.textContent = "";
    this.body.appendChild(this.renderObject(this.schema, "Các trường của tờ khai"));
  };

  Builder.prototype.save = function () {
    var schema = this.schema;
    if (!Object.keys(schema.properties).length && !schema.title) {
      this.textarea.value = "{}";
    } else {
      if (!schema.type) schema.type = "object";
      this.textarea.value = JSON.stringify(schema, null, 2);
    }
  };

  Builder.prototype.refresh = function (focusId) {
    this.save();
    this.load();
    if (focusId) {
      var target = document.getElementById(focusId);
      if (target) target.focus();
    }
  };

  // One object (the form, or the items of a repeated group): its fields and "Thêm trường".
  Builder.prototype.renderObject = function (node, legend) {
    var self = this;
    var names = order(node);
    node["x-order"] = names;
    var list = el("ol", { class: "schema-builder-fields" });
    names.forEach(function (name, index) {
      list.appendChild(el("li", {}, [self.renderField(node, name, index, names.length)]));
    });
    var addId = "sb-add-" + (++counter);
    var add = el("button", { type: "button", class: "button", id: addId,
      text: "Thêm trường" });
    add.appendChild(el("span", { class: "visually-hidden", text: " — " + legend }));
    add.addEventListener("click", function () {
      var base = "truong_moi", name = base, n = 1;
      while (node.properties[name]) name = base + "_" + (++n);
      node.properties[name] = { type: "string", title: "Trường mới" };
      node["x-order"] = order(node).concat([]);
      self.lastAdded = name;
      self.save();
      self.load();
      var input = document.querySelector("[data-sb-title='" + name + "']");
      if (input) { input.focus(); input.select(); }
    });
    return el("fieldset", { class: "schema-builder-object" }, [
      el("legend", { text: legend }),
      names.length ? list : el("p", { class: "help", text: "Chưa có trường nào." }),
      add,
    ]);
  };

  Builder.prototype.renderField = function (node, name, index, count) {
    var self = this;
    var prop = node.properties[name];
    var id = "sb-" + (++counter);
    var kind = kindOf(prop);
    var required = (node.required || []).indexOf(name) >= 0;
    var label = prop.title || name;
    var box = el("fieldset", { class: "schema-builder-field" });
    box.appendChild(el("legend", { text: (index + 1) + ". " + label }));

    function row(text, input, help) {
      input.id = input.id || id + "-" + (++counter);
      var parts = [el("label", { for: input.id, text: text }), input];
      if (help) {
        var helpId = input.id + "-help";
        input.setAttribute("aria-describedby", helpId);
        parts.push(el("span", { class: "help", id: helpId, text: help }));
      }
      return el("div", { class: "schema-builder-row" }, parts);
    }

    var title = el("input", { type: "text", value: prop.title || "", "data-sb-title": name });
    title.addEventListener("change", function () {
      prop.title = title.value.trim();
      // A field just added takes its machine name from its first title.
      if (self.lastAdded === name && prop.title) {
        var fresh = slug(prop.title), n = 1, candidate = fresh;
        while (node.properties[candidate] && candidate !== name) candidate = fresh + "_" + (++n);
        self.rename(node, name, candidate);
        self.lastAdded = null;
      }
      self.refresh();
    });
    box.appendChild(row("Tiêu đề (công dân thấy)", title));

    var machine = el("input", { type: "text", value: name, pattern: "[A-Za-z_][A-Za-z0-9_]*",
      spellcheck: "false" });
    machine.addEventListener("change", function () {
      var fresh = machine.value.trim();
      if (fresh && fresh !== name && !node.properties[fresh]) self.rename(node, name, fresh);
      self.lastAdded = null;
      self.refresh();
    });
    box.appendChild(row("Tên máy", machine, "Chữ không dấu, số và dấu _; dùng khi xuất dữ liệu."));

    var select = el("select");
    KINDS.forEach(function (k) {
      var option = el("option", { value: k[0], text: k[1] });
      if (k[0] === kind) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      node.properties[name] = setKind(prop, select.value);
      if (select.value !== "date") self.dropRules(node, name);
      self.refresh(select.id);
    });
    box.appendChild(row("Loại trường", select));

    var req = el("input", { type: "checkbox" });
    req.checked = required;
    req.addEventListener("change", function () {
      var list = (node.required || []).filter(function (n) { return n !== name; });
      if (req.checked) list.push(name);
      node.required = list;
      self.save();
    });
    req.id = id + "-req";
    box.appendChild(el("div", { class: "schema-builder-row schema-builder-check" },
      [req, el("label", { for: req.id, text: "Bắt buộc nhập" })]));

    if (kind === "choice") {
      var choices = el("textarea", { rows: "4" });
      choices.value = (prop.enum || []).join("\n");
      choices.addEventListener("change", function () {
        var values = choices.value.split("\n").map(function (v) { return v.trim(); })
          .filter(Boolean);
        prop.enum = values.length ? values : prop.enum;
        self.refresh();
      });
      box.appendChild(row("Các lựa chọn", choices, "Mỗi lựa chọn một dòng."));
    }

    if (kind === "date") {
      var rules = node["x-rules"] || [];
      var future = el("input", { type: "checkbox", id: id + "-future" });
      future.checked = rules.some(function (r) {
        return r.rule === "not_future" && r.field === name;
      });
      future.addEventListener("change", function () {
        node["x-rules"] = (node["x-rules"] || []).filter(function (r) {
          return !(r.rule === "not_future" && r.field === name);
        });
        if (future.checked) node["x-rules"].push({ rule: "not_future", field: name });
        self.save();
      });
      box.appendChild(el("div", { class: "schema-builder-row schema-builder-check" },
        [future, el("label", { for: future.id, text: "Không được sau ngày hôm nay" })]));

      var after = el("select");
      after.appendChild(el("option", { value: "", text: "— không ràng buộc —" }));
      var current = rules.filter(function (r) {
        return r.rule === "date_order" && r.end === name;
      })[0];
      order(node).forEach(function (other) {
        var p = node.properties[other];
        if (other === name || kindOf(p) !== "date") return;
        var option = el("option", { value: other, text: p.title || other });
        if (current && current.start === other) option.selected = true;
        after.appendChild(option);
      });
      after.addEventListener("change", function () {
        node["x-rules"] = (node["x-rules"] || []).filter(function (r) {
          return !(r.rule === "date_order" && r.end === name);
        });
        if (after.value) {
          node["x-rules"].push({ rule: "date_order", start: after.value, end: name });
        }
        self.save();
      });
      box.appendChild(row("Không được trước ngày", after,
        "Chọn một trường ngày khác của cùng nhóm, ví dụ “Từ ngày”."));
    }

    if (kind === "repeat") {
      if (!prop.items || typeof prop.items !== "object") {
        prop.items = { type: "object", properties: {}, required: [] };
      }
      if (!prop.items.properties) prop.items.properties = {};
      box.appendChild(this.renderObject(prop.items, "Các trường của mỗi mục “" + label + "”"));
    }

    var actions = el("div", { class: "schema-builder-actions" });
    function action(text, enabled, handler) {
      var button = el("button", { type: "button", class: "button", id: id + "-" + (++counter),
        text: text });
      button.appendChild(el("span", { class: "visually-hidden", text: " — " + label }));
      if (!enabled) button.disabled = true;
      button.addEventListener("click", handler);
      actions.appendChild(button);
    }
    function move(delta) {
      var names = order(node);
      names.splice(index, 1);
      names.splice(index + delta, 0, name);
      node["x-order"] = names;
      self.refresh();
      var again = document.querySelector("[data-sb-title='" + name + "']");
      if (again) again.focus();
    }
    action("Lên", index > 0, function () { move(-1); });
    action("Xuống", index < count - 1, function () { move(1); });
    action("Xoá trường", true, function () {
      delete node.properties[name];
      node.required = (node.required || []).filter(function (n) { return n !== name; });
      node["x-order"] = order(node);
      self.dropRules(node, name);
      self.refresh();
    });
    box.appendChild(actions);
    return box;
  };

  Builder.prototype.rename = function (node, from, to) {
    var props = {};
    order(node).forEach(function (n) { props[n === from ? to : n] = node.properties[n]; });
    node.properties = props;
    node["x-order"] = Object.keys(props);
    node.required = (node.required || []).map(function (n) { return n === from ? to : n; });
    (node["x-rules"] || []).forEach(function (rule) {
      ["field", "start", "end", "when"].forEach(function (key) {
        if (rule[key] === from) rule[key] = to;
      });
    });
  };

  Builder.prototype.dropRules = function (node, name) {
    if (!node["x-rules"]) return;
    node["x-rules"] = node["x-rules"].filter(function (rule) {
      return ["field", "start", "end", "when"].every(function (key) { return rule[key] !== name; });
    });
    if (!node["x-rules"].length) delete node["x-rules"];
  };

  function start() {
    document.querySelectorAll("textarea[data-schema-builder]").forEach(function (textarea) {
      var details = textarea.closest("details");
      if (details) details.open = false;  // the builder leads; the JSON stays one click away
      new Builder(textarea);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
