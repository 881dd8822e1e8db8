# 《深度学习原理与代码实例》——两条命令：
#   make book   建环境、装依赖、构建 HTML 书到 _build/html
#   make test   同一环境，跑 ruff、全部 pytest 与全部笔记本的 nbval
#   make unit   只跑单元测试（不构建书、不装浏览器，约半分钟）：改代码时的快速循环
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ENV_STAMP := $(VENV)/.installed
VENDOR_STAMP := _vendor/.installed
JOBS ?= 2

.PHONY: book pdf pdf-deps test unit seeds lint format export edition setup-cells notebooks verify bench assignments grade grade-deps test-nbgrader browser-deps lock clean help

help:
	@echo "make book       构建 HTML 书（_build/html）"
	@echo "make test       运行全部测试（ruff + pytest + nbval）"
	@echo "make unit       只跑单元测试（tests/unit，不构建书）：改 lesson_utils 或 book_tools 后的快速检查"
	@echo "make seeds      换三组种子重跑第 1–3 章每页，检查正文的结论都成立"
	@echo "make pdf        PDF 版（XeLaTeX + Noto CJK）到 _build/pdf/book.pdf；缺 TeX Live 时用 apt 安装"
	@echo "make format     用 ruff 格式化 src/ tests/ 与笔记本"
	@echo "make export     从笔记本重新导出 lesson_utils.nn（含 nn/__init__.py）"
	@echo "make edition    重新生成 notebooks/：给 Jupyter 与 Colab 的笔记本（MyST 换成普通 Markdown）"
	@echo "make setup-cells 由 _config.yml 的仓库地址重新生成每章笔记本的第一个单元（安装 lesson_utils）"
	@echo "make notebooks  重新执行全部笔记本并保存输出（改动笔记本后运行）"
	@echo "make verify     在每个可用设备（cpu、cuda）上把 lesson_utils.nn 与 PyTorch 对照"
	@echo "make bench      速度基准：NumPy 对 PyTorch（同一次运行交替计时），结果写到 _build/bench.json"
	@echo "make assignments 学生版（解答换成桩）与答案版的练习笔记本，写到 _build/assignments/"
	@echo "make grade SUBMISSIONS=目录  批改学生交回的笔记本，写 _build/grades/grades.csv 与每人的反馈"

# 两个包都以可编辑方式装进 .venv：读者的 lesson_utils（pyproject.toml，也就是随书的 wheel）与
# 书的工具 book_tools（tools/pyproject.toml，只在仓库里用）。依赖都已在 requirements.txt 里锁定。
$(ENV_STAMP): requirements.txt constraints.txt pyproject.toml tools/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . -e tools
	touch $@

# 书自己提供 MathJax、RequireJS 与 ipywidgets 的 JS，读者打开网页不需要任何 CDN。
# 放在 html_extra_path（_vendor）而不是 html_static_path：JB1 会把 _static 里的每个 .js 塞进每一页。
# npm ci 也装上 axe-core（devDependency）：它留在 node_modules/axe-core，只由无障碍测试
# （tests/book/test_accessibility.py）注入页面，不复制进网页书。
$(VENDOR_STAMP): package.json package-lock.json tools/widgets-setup.js
	npm ci --no-audit --no-fund --loglevel=error
	test -f node_modules/axe-core/axe.min.js
	rm -rf _vendor && mkdir -p _vendor/_static/vendor
	cp -r node_modules/mathjax/es5 _vendor/_static/vendor/mathjax
	cp -r node_modules/@jupyter-widgets/html-manager/dist _vendor/_static/vendor/html-manager
	cp node_modules/requirejs/require.js _vendor/_static/vendor/require.js
	cp tools/widgets-setup.js _vendor/_static/vendor/widgets-setup.js
	touch $@

# 随书提供的 wheel（网页版 wheels/ 下可下载，笔记本的设置单元也从这里安装）：GitHub 连不上时的安装途径。
WHEEL_STAMP := _build/dist/.installed
WHEEL_INPUTS := $(shell find src/lesson_utils -name '*.py' -o -name '*.otf' -o -name '*.tsv.gz' -o -name 'OFL.txt' \
    -o -path '*/static/*.js' -o -path '*/static/*.css')
$(WHEEL_STAMP): $(ENV_STAMP) pyproject.toml README.md LICENSE $(WHEEL_INPUTS)
	rm -rf _build/dist && mkdir -p _build/dist/wheels
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w _build/dist/wheels .
	rm -rf build  # setuptools 的中间目录
	touch $@


# make book EDITION=student：学生版的书（没有解答与参考实现，下载的笔记本也没有），写到 _build/student/html
EDITION ?=
book: $(ENV_STAMP) $(VENDOR_STAMP) $(WHEEL_STAMP)
ifeq ($(EDITION),student)
	$(BIN)/python -m book_tools.student_edition _build/student-src
	$(BIN)/jupyter-book build _build/student-src --path-output _build/student \
	    --warningiserror --nitpick --keep-going
	@echo "学生版的书已构建：_build/student/_build/html/index.html"
else
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	@echo "书已构建：_build/html/index.html"
endif

lint: $(ENV_STAMP)
	$(BIN)/ruff check src tests book tools
	$(BIN)/ruff format --check src tests book tools

# 单元测试：lesson_utils 与 book_tools 的 pytest（tests/unit），不执行书页、不构建书、不用浏览器。
# 要的只是环境（.venv）；每个进程一个线程，理由见下面 make test 的注释。
unit: $(ENV_STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	$(BIN)/python -m pytest -n $(JOBS) -m "not seeds and not nbgrader" tests/unit

# 两个 pytest 进程各自再开多线程 BLAS / OpenMP，会在 2 个核上互相空转抢核（实测 nbval 从约 1.5 分钟变成 8 分钟），
# 所以测试时每个进程只用一个线程。基准测试（make bench）不受影响。
# 真浏览器测试（tests/book/test_browser.py）检查构建好的书，所以先构建（没有改动时几秒钟）；
# 它用 Debian 的 chromium 与 Noto CJK 字体（playwright install 在这里不可用），缺了就用 apt 装上。
browser-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	    SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

test: $(ENV_STAMP) lint book browser-deps grade-deps
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope \
	    --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	    -m "not seeds and not nbgrader" tests book

# 种子测试：每页在三组别的种子下重跑，每个 claim(...) 断言的结论都必须照样成立（约为 make test 的 3 倍时间）。
seeds: $(ENV_STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	$(BIN)/python -m pytest -n $(JOBS) --dist load -m seeds tests/book/test_seed_robustness.py

# PDF 版：Jupyter Book 的 pdflatex 构建器（引擎是 _config.yml 里设的 xelatex），中文用 Noto CJK。
# 需要的 Debian 包缺少时用 apt 安装（与 browser-deps 相同的做法）；pdftoppm（poppler-utils）用来看页面。
PDF_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
    texlive-lang-chinese tex-gyre latexmk fonts-freefont-otf fonts-dejavu-core fonts-noto-cjk poppler-utils
pdf-deps:
	@if ! command -v xelatex >/dev/null || ! command -v latexmk >/dev/null || ! command -v pdftoppm >/dev/null \
	    || ! kpsewhich xeCJK.sty >/dev/null || ! fc-list | grep -qi "noto serif cjk"; then \
	    SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(PDF_PACKAGES) >/dev/null; \
	fi

pdf: $(ENV_STAMP) pdf-deps
	$(BIN)/jupyter-book build . --builder pdflatex
	mkdir -p _build/pdf && cp _build/latex/book.pdf _build/pdf/book.pdf
	$(BIN)/python -m book_tools.check_pdf _build/pdf/book.pdf _build/latex/book.log
	@echo "PDF 已构建：_build/pdf/book.pdf"

# nbgrader 自己的 generate → autograde → export（执行整本 3.1 笔记本两遍，几分钟），.ci/run 也运行它
test-nbgrader: $(ENV_STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	$(BIN)/python -m pytest -m nbgrader tests/book/test_nbgrader.py

format: $(ENV_STAMP)
	$(BIN)/ruff check --fix src tests book tools
	$(BIN)/ruff format src tests book tools

export: $(ENV_STAMP)
	$(BIN)/python -m book_tools.export

# Jupyter 版（Colab 按钮打开的就是它）：改动 book/ 的 Markdown 后运行；测试检查它与书同步。
edition: $(ENV_STAMP)
	$(BIN)/python -m book_tools.jupyter_edition --out notebooks

setup-cells: $(ENV_STAMP)
	$(BIN)/python -m book_tools.setup_cell

notebooks: $(ENV_STAMP)
	$(BIN)/python -m book_tools.run_notebooks $(NB)

assignments: $(ENV_STAMP)
	$(BIN)/python -m book_tools.assignments --out _build/assignments

# 每份提交在沙箱（bubblewrap）里的新内核中运行（全部单元 TIME_LIMIT 秒，评分时的调用合起来另有 TIME_LIMIT 秒），
# 再由评分进程自己的检查器逐题评分。成绩表的列来自 ASSIGNMENT=发下去的学生版笔记本（或 EXERCISES=3.1-3,3.1-4），
# 从不取自学生交上来的笔记本；JOBS=2 同时批改两份；SEED=整数 换掉“亲手实现各层”作业的隐藏形状；
# UNSAFE=1 不用沙箱（学生的代码将以你的身份运行，只在建不起沙箱、又明白后果时用）。
SUBMISSIONS ?=
TIME_LIMIT ?= 300
grade-deps:
	@if ! command -v bwrap >/dev/null; then \
	    SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap >/dev/null; \
	fi

grade: $(ENV_STAMP) $(if $(UNSAFE),,grade-deps)
	@test -n "$(SUBMISSIONS)" || { echo "用法：make grade SUBMISSIONS=目录 ASSIGNMENT=学生版笔记本（或 EXERCISES=3.1-3,3.1-4）"; exit 2; }
	@test -n "$(ASSIGNMENT)$(EXERCISES)" || { echo "成绩表的列来自发下去的作业：加上 ASSIGNMENT=学生版笔记本 或 EXERCISES=3.1-3,3.1-4"; exit 2; }
	$(BIN)/python -m book_tools.grade "$(SUBMISSIONS)" --out _build/grades --time-limit $(TIME_LIMIT) --jobs $(JOBS) \
	    $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)",--exercises "$(EXERCISES)") $(if $(SEED),--seed $(SEED)) \
	    $(if $(UNSAFE),--unsafe-no-sandbox)

verify: $(ENV_STAMP)
	$(BIN)/python -m lesson_utils.verify

bench: $(ENV_STAMP)
	mkdir -p _build
	$(BIN)/python -m lesson_utils.bench --json _build/bench.json

lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet -r requirements.txt
	/tmp/lock-venv/bin/pip freeze | sed -E 's/^(torch==[0-9.]+)\+cpu$$/\1/' > constraints.txt

clean:
	rm -rf _build _vendor
