/* The answer engine's inner loops in C: BM25F scores, the phrase overlap of a few candidates,
 * the phrases closest to a question, and which candidates hold which terms.
 * bot/search/kernels.py holds the same four in numpy, used where this module was not built (no
 * C compiler at install), and tests/search/test_kernels.py checks that both give the same numbers.
 *
 * Why C: each is several to tens of numpy calls on arrays of a few hundred items, so the
 * calls' overhead, not the arithmetic, is what a question costs (docs/benchmarks.md, issue 16).
 * The arithmetic follows numpy's where the result is compared: float32 where numpy computes in
 * float32, and numpy's pairwise summation where numpy sums a float32 row.
 *
 * Arrays come in through the buffer protocol (no numpy headers needed to build), C-contiguous,
 * with the item types kernels.py gives them; each is checked.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* -- arrays ------------------------------------------------------------------------------ */

typedef struct {
    Py_buffer view;
    int held;
} Array;

/* ``kind``: 'f' float32, 'd' float64, 'i' int32, 'q' int64, '?' bool. */
static int
array_get(PyObject *obj, Array *out, char kind, int writable, const char *name)
{
    out->held = 0;
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, &out->view, flags) < 0) {
        return -1;
    }
    out->held = 1;
    const char *format = out->view.format ? out->view.format : "B";
    if (*format == '<' || *format == '=' || *format == '@') {
        format++;
    }
    Py_ssize_t size = out->view.itemsize;
    int ok;
    switch (kind) {
    case 'f': ok = size == 4 && *format == 'f'; break;
    case 'd': ok = size == 8 && *format == 'd'; break;
    case 'i': ok = size == 4 && (*format == 'i' || *format == 'l'); break;
    case '?': ok = size == 1 && *format == '?'; break;
    default: ok = size == 8 && (*format == 'q' || *format == 'l'); break;
    }
    if (!ok) {
        PyErr_Format(PyExc_TypeError, "%s: expected a C-contiguous array of kind '%c'", name, kind);
        return -1;
    }
    return 0;
}

static void
array_release(Array *array)
{
    if (array->held) {
        PyBuffer_Release(&array->view);
        array->held = 0;
    }
}

static Py_ssize_t
array_len(const Array *array)
{
    return array->view.len / array->view.itemsize;
}

/* numpy's pairwise summation of float32, as ``a.sum(axis=-1)`` does a contiguous row. */
static float
pairwise_sum(const float *a, Py_ssize_t n)
{
    if (n < 8) {
        float res = 0.f;
        for (Py_ssize_t i = 0; i < n; i++) {
            res += a[i];
        }
        return res;
    }
    if (n <= 128) {
        float r[8];
        for (int j = 0; j < 8; j++) {
            r[j] = a[j];
        }
        Py_ssize_t i;
        for (i = 8; i < n - (n % 8); i += 8) {
            for (int j = 0; j < 8; j++) {
                r[j] += a[i + j];
            }
        }
        float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) {
            res += a[i];
        }
        return res;
    }
    Py_ssize_t half = n / 2;
    half -= half % 8;
    return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}

/* -- a small open-addressing map from non-negative int keys to slots ------------------------- */

typedef struct {
    int64_t *keys; /* -1: empty */
    int32_t *slots;
    size_t mask;
} Map;

static int
map_init(Map *map, Py_ssize_t expected)
{
    size_t capacity = 16;
    while (capacity < (size_t)expected * 2) {
        capacity <<= 1;
    }
    map->mask = capacity - 1;
    map->keys = malloc(capacity * sizeof(int64_t));
    map->slots = malloc(capacity * sizeof(int32_t));
    if (!map->keys || !map->slots) {
        free(map->keys);
        free(map->slots);
        map->keys = NULL;
        map->slots = NULL;
        PyErr_NoMemory();
        return -1;
    }
    memset(map->keys, 0xff, capacity * sizeof(int64_t));
    return 0;
}

static void
map_free(Map *map)
{
    free(map->keys);
    free(map->slots);
}

/* The slot of ``key``, or -1; with ``insert`` a new key gets ``slot`` and that is returned. */
static int32_t
map_find(Map *map, int64_t key, int insert, int32_t slot)
{
    size_t at = ((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 17 & map->mask;
    while (map->keys[at] != -1) {
        if (map->keys[at] == key) {
            return map->slots[at];
        }
        at = (at + 1) & map->mask;
    }
    if (!insert) {
        return -1;
    }
    map->keys[at] = key;
    map->slots[at] = slot;
    return slot;
}

/* A table of int32 per phrase or term, all -1 between calls: whoever takes it sets -1 again in
 * what it wrote. Kept for the life of the process, so a question costs no allocation of the
 * size of the knowledge base. It is safe to share because the GIL is held from taking it to
 * giving it back and nothing in between runs Python code. */
typedef struct {
    int32_t *slots;
    Py_ssize_t size;
} Table;

static Table phrase_table = {NULL, 0}, term_table = {NULL, 0};

static int32_t *
table_take(Table *table, Py_ssize_t size)
{
    if (size > table->size) {
        int32_t *grown = realloc(table->slots, (size_t)size * sizeof(int32_t));
        if (!grown) {
            PyErr_NoMemory();
            return NULL;
        }
        memset(grown + table->size, 0xff, (size_t)(size - table->size) * sizeof(int32_t));
        table->slots = grown;
        table->size = size;
    }
    return table->slots;
}

/* -- soft: BM25F per entry ----------------------------------------------------------------- */

PyDoc_STRVAR(soft_doc,
"soft(out, concepts, mass)\n\n"
"Add each concept's BM25F score into ``out`` (float32, zeroed, one per entry) through its\n"
"best alternative, then divide by ``mass``. ``concepts``: (weight, [(docs int32, sat float32,\n"
"value), ...]) with the longest posting list first.");

static PyObject *
soft(PyObject *self, PyObject *args)
{
    PyObject *out_obj, *concepts;
    double mass;
    if (!PyArg_ParseTuple(args, "OO!d", &out_obj, &PyList_Type, &concepts, &mass)) {
        return NULL;
    }
    Array out;
    if (array_get(out_obj, &out, 'f', 1, "out") < 0) {
        array_release(&out);
        return NULL;
    }
    float *score = out.view.buf;
    Py_ssize_t n = array_len(&out);
    float *best = NULL;
    int32_t *touched = NULL;
    Py_ssize_t n_touched = 0;
    PyObject *result = NULL;
    for (Py_ssize_t c = 0; c < PyList_GET_SIZE(concepts); c++) {
        double weight;
        PyObject *alternatives;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(concepts, c), "dO!", &weight, &PyList_Type, &alternatives)) {
            goto done;
        }
        Py_ssize_t n_alternatives = PyList_GET_SIZE(alternatives);
        if (n_alternatives > 1 && best == NULL) {
            best = calloc(n ? n : 1, sizeof(float));
            touched = malloc((n ? n : 1) * sizeof(int32_t));
            if (!best || !touched) {
                PyErr_NoMemory();
                goto done;
            }
        }
        for (Py_ssize_t a = 0; a < n_alternatives; a++) {
            PyObject *docs_obj, *sat_obj;
            double value;
            if (!PyArg_ParseTuple(PyList_GET_ITEM(alternatives, a), "OOd", &docs_obj, &sat_obj, &value)) {
                goto done;
            }
            Array docs, sat;
            if (array_get(docs_obj, &docs, 'i', 0, "docs") < 0 || array_get(sat_obj, &sat, 'f', 0, "sat") < 0) {
                array_release(&docs);
                array_release(&sat);
                goto done;
            }
            const int32_t *d = docs.view.buf;
            const float *s = sat.view.buf;
            Py_ssize_t length = array_len(&docs);
            int bad = length != array_len(&sat);
            for (Py_ssize_t i = 0; i < length && !bad; i++) {
                bad = d[i] < 0 || d[i] >= n;
            }
            if (bad) {
                array_release(&docs);
                array_release(&sat);
                PyErr_SetString(PyExc_ValueError, "a posting lies outside the entries");
                goto done;
            }
            if (n_alternatives == 1) {
                float factor = (float)(weight * value);
                for (Py_ssize_t i = 0; i < length; i++) {
                    float add = factor * s[i];
                    score[d[i]] += add;
                }
            }
            else {
                float factor = (float)value;
                for (Py_ssize_t i = 0; i < length; i++) {
                    float v = factor * s[i];
                    if (a == 0) {
                        best[d[i]] = v;
                        touched[n_touched++] = d[i];
                    }
                    else if (v > best[d[i]]) {
                        if (best[d[i]] == 0.f) {
                            touched[n_touched++] = d[i];
                        }
                        best[d[i]] = v;
                    }
                }
            }
            array_release(&docs);
            array_release(&sat);
        }
        if (n_alternatives > 1) {
            float w = (float)weight;
            for (Py_ssize_t i = 0; i < n_touched; i++) {
                int32_t e = touched[i];
                if (best[e] != 0.f) {
                    score[e] += w * best[e];
                    best[e] = 0.f;
                }
            }
            n_touched = 0;
        }
    }
    float divisor = (float)mass;
    for (Py_ssize_t i = 0; i < n; i++) {
        score[i] /= divisor;
    }
    result = Py_NewRef(Py_None);
done:
    free(best);
    free(touched);
    array_release(&out);
    return result;
}

/* -- phrase_overlap: the best F-beta and F1 of each candidate's phrases ----------------------- */

PyDoc_STRVAR(phrase_overlap_doc,
"phrase_overlap(entries, row_start, term, phrase, idf, total, cell_term, cell_start,\n"
"               cell_concept, cell_value, weights, mass, beta2, similar, f1)\n\n"
"For each of ``entries`` (int64): the best F-beta (into ``similar``) and F1 (into ``f1``)\n"
"between the query and one of its phrases. A query term ``cell_term[t]`` (int64) serves the\n"
"concepts ``cell_concept[cell_start[t]:cell_start[t + 1]]`` with those values.");

static PyObject *
phrase_overlap(PyObject *self, PyObject *args)
{
    PyObject *objects[15];
    double mass, beta2;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOddOO", &objects[0], &objects[1], &objects[2], &objects[3],
                          &objects[4], &objects[5], &objects[6], &objects[7], &objects[8], &objects[9],
                          &objects[10], &mass, &beta2, &objects[13], &objects[14])) {
        return NULL;
    }
    static const char kinds[] = "qqiiffqqqff--ff";
    static const char *names[] = {"entries", "row_start", "term", "phrase", "idf", "total",
                                  "cell_term", "cell_start", "cell_concept", "cell_value",
                                  "weights", "", "", "similar", "f1"};
    Array arrays[15];
    memset(arrays, 0, sizeof(arrays));
    PyObject *result = NULL;
    int32_t *slot_of = NULL;
    float *best = NULL, *product = NULL;
    for (int i = 0; i < 15; i++) {
        if (kinds[i] != '-' && array_get(objects[i], &arrays[i], kinds[i], i >= 13, names[i]) < 0) {
            goto done;
        }
    }
    const int64_t *entries = arrays[0].view.buf, *row_start = arrays[1].view.buf;
    const int32_t *term = arrays[2].view.buf, *phrase = arrays[3].view.buf;
    const float *idf = arrays[4].view.buf, *total = arrays[5].view.buf;
    const int64_t *cell_term = arrays[6].view.buf, *cell_start = arrays[7].view.buf;
    const int64_t *cell_concept = arrays[8].view.buf;
    const float *cell_value = arrays[9].view.buf, *weights = arrays[10].view.buf;
    float *similar = arrays[13].view.buf, *f1 = arrays[14].view.buf;
    Py_ssize_t n_entries = array_len(&arrays[0]), n_rows = array_len(&arrays[2]);
    Py_ssize_t n_starts = array_len(&arrays[1]), n_phrases = array_len(&arrays[5]);
    Py_ssize_t n_terms = array_len(&arrays[6]), n_cells = array_len(&arrays[8]);
    Py_ssize_t n_concepts = array_len(&arrays[10]);
    int bad = array_len(&arrays[3]) != n_rows || array_len(&arrays[4]) != n_rows
              || array_len(&arrays[7]) != n_terms + 1 || array_len(&arrays[9]) != n_cells
              || array_len(&arrays[13]) != n_entries || array_len(&arrays[14]) != n_entries;
    for (Py_ssize_t t = 0; t <= n_terms && !bad; t++) {
        bad = cell_start[t] < 0 || cell_start[t] > n_cells || (t > 0 && cell_start[t] < cell_start[t - 1]);
    }
    for (Py_ssize_t c = 0; c < n_cells && !bad; c++) {
        bad = cell_concept[c] < 0 || cell_concept[c] >= n_concepts;
    }
    for (Py_ssize_t e = 0; e < n_entries && !bad; e++) {
        bad = entries[e] < 0 || entries[e] + 1 >= n_starts || row_start[entries[e]] < 0
              || row_start[entries[e]] > row_start[entries[e] + 1] || row_start[entries[e] + 1] > n_rows;
    }
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "phrase_overlap: inconsistent arrays");
        goto done;
    }
    int64_t bound = 0;
    for (Py_ssize_t t = 0; t < n_terms; t++) {
        bad = bad || cell_term[t] < 0 || cell_term[t] > INT32_MAX - 1;
        bound = cell_term[t] + 1 > bound ? cell_term[t] + 1 : bound;
    }
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "phrase_overlap: a term number out of range");
        goto done;
    }
    best = calloc(n_concepts ? n_concepts : 1, sizeof(float));
    product = malloc((n_concepts ? n_concepts : 1) * sizeof(float));
    if (!best || !product) {
        PyErr_NoMemory();
        goto done;
    }
    /* query term number -> its place in cell_term; the table is given back in ``done`` */
    if (!(slot_of = table_take(&term_table, bound))) {
        goto done;
    }
    for (Py_ssize_t t = 0; t < n_terms; t++) {
        slot_of[cell_term[t]] = (int32_t)t;
    }
    float divisor = (float)mass;
    for (Py_ssize_t e = 0; e < n_entries; e++) {
        double top_beta = 0.0, top_f1 = 0.0;
        int any = 0;
        Py_ssize_t r = row_start[entries[e]], end = row_start[entries[e] + 1];
        while (r < end) {
            /* one phrase: its rows are adjacent */
            int32_t this_phrase = phrase[r];
            double idf_sum = 0.0;
            int matched = 0;
            for (; r < end && phrase[r] == this_phrase; r++) {
                int32_t t = term[r] >= 0 && term[r] < bound ? slot_of[term[r]] : -1;
                if (t < 0) {
                    continue;
                }
                matched = 1;
                idf_sum += (double)idf[r];
                for (int64_t c = cell_start[t]; c < cell_start[t + 1]; c++) {
                    if (cell_value[c] > best[cell_concept[c]]) {
                        best[cell_concept[c]] = cell_value[c];
                    }
                }
            }
            if (!matched) {
                continue;
            }
            if (this_phrase < 0 || this_phrase >= n_phrases) {
                PyErr_SetString(PyExc_ValueError, "phrase_overlap: a phrase lies outside the totals");
                goto done;
            }
            for (Py_ssize_t c = 0; c < n_concepts; c++) {
                product[c] = best[c] * weights[c];
                best[c] = 0.f;
            }
            float recall_f = pairwise_sum(product, n_concepts) / divisor;
            double recall = (double)recall_f;
            double precision = idf_sum / (double)total[this_phrase];
            double f_beta = ((1.0 + beta2) * (recall * precision)) / (beta2 * precision + recall);
            double f_one = (2.0 * (recall * precision)) / (1.0 * precision + recall);
            if (!any || f_beta > top_beta) {
                top_beta = f_beta;
            }
            if (!any || f_one > top_f1) {
                top_f1 = f_one;
            }
            any = 1;
        }
        similar[e] = any ? (float)top_beta : 0.f;
        f1[e] = any ? (float)top_f1 : 0.f;
    }
    result = Py_NewRef(Py_None);
done:
    if (slot_of) {
        for (Py_ssize_t t = 0; t < n_terms; t++) {
            slot_of[cell_term[t]] = -1;
        }
    }
    free(best);
    free(product);
    for (int i = 0; i < 15; i++) {
        array_release(&arrays[i]);
    }
    return result;
}

/* -- closest_phrases: entries whose phrases hold most of the query's uncommon terms ----------- */

typedef struct {
    double recall;
    int32_t phrase;
} Scored;

static int
scored_order(const void *a, const void *b)
{
    const Scored *x = a, *y = b;
    if (x->recall != y->recall) {
        return x->recall > y->recall ? -1 : 1;
    }
    return (x->phrase > y->phrase) - (x->phrase < y->phrase);
}

PyDoc_STRVAR(closest_phrases_doc,
"closest_phrases(lists, concepts, weights, owner, k, keep) -> list[int]\n\n"
"``lists[i]`` (int32 phrase numbers) hold a term serving concept ``concepts[i]`` with\n"
"``weights[i]``; a concept's lists come together, its best first. A phrase's recall adds up,\n"
"concept by concept, the first weight it gets from each. The owners (``owner``, int64) of the\n"
"``keep`` phrases of highest recall (ties: lower phrase first), distinct, at most ``k``.");

static PyObject *
closest_phrases(PyObject *self, PyObject *args)
{
    PyObject *lists, *concepts, *weights, *owner_obj;
    Py_ssize_t k, keep;
    if (!PyArg_ParseTuple(args, "O!O!O!Onn", &PyList_Type, &lists, &PyList_Type, &concepts, &PyList_Type,
                          &weights, &owner_obj, &k, &keep)) {
        return NULL;
    }
    Py_ssize_t n_lists = PyList_GET_SIZE(lists);
    if (PyList_GET_SIZE(concepts) != n_lists || PyList_GET_SIZE(weights) != n_lists || k < 0) {
        PyErr_SetString(PyExc_ValueError, "closest_phrases: lists, concepts and weights differ in length");
        return NULL;
    }
    Array owner;
    if (array_get(owner_obj, &owner, 'q', 0, "owner") < 0) {
        array_release(&owner);
        return NULL;
    }
    const int64_t *owners = owner.view.buf;
    Py_ssize_t n_phrases = array_len(&owner);
    PyObject *result = NULL;
    Map seen = {NULL, NULL, 0};
    Scored *scored = NULL;
    long *concept_of = NULL, *last_concept = NULL;
    double *weight_of = NULL;
    int64_t *chosen = NULL;
    int32_t *slot_of = NULL;
    Py_ssize_t n_scored = 0, n_chosen = 0;
    Array *arrays = calloc(n_lists ? n_lists : 1, sizeof(Array));
    concept_of = malloc((n_lists ? n_lists : 1) * sizeof(long));
    weight_of = malloc((n_lists ? n_lists : 1) * sizeof(double));
    chosen = malloc((k ? k : 1) * sizeof(int64_t));
    if (!arrays || !concept_of || !weight_of || !chosen) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t rows = 0;
    for (Py_ssize_t i = 0; i < n_lists; i++) {
        if (array_get(PyList_GET_ITEM(lists, i), &arrays[i], 'i', 0, "lists") < 0) {
            goto done;
        }
        rows += array_len(&arrays[i]);
        concept_of[i] = PyLong_AsLong(PyList_GET_ITEM(concepts, i));
        weight_of[i] = PyFloat_AsDouble(PyList_GET_ITEM(weights, i));
        if (PyErr_Occurred()) {
            goto done;
        }
        const int32_t *phrases = arrays[i].view.buf;
        for (Py_ssize_t j = 0; j < array_len(&arrays[i]); j++) {
            if (phrases[j] < 0 || phrases[j] >= n_phrases) {
                PyErr_SetString(PyExc_ValueError, "closest_phrases: a phrase lies outside the owners");
                goto done;
            }
        }
    }
    scored = malloc((rows ? rows : 1) * sizeof(Scored));
    last_concept = malloc((rows ? rows : 1) * sizeof(long));
    if (!scored || !last_concept || map_init(&seen, k) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        goto done;
    }
    /* from here to giving the table back, no Python code runs */
    if (!(slot_of = table_take(&phrase_table, n_phrases))) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_lists; i++) {
        const int32_t *phrases = arrays[i].view.buf;
        for (Py_ssize_t j = 0; j < array_len(&arrays[i]); j++) {
            int32_t p = phrases[j], slot = slot_of[p];
            if (slot < 0) {
                slot_of[p] = (int32_t)n_scored;
                scored[n_scored].recall = weight_of[i];
                scored[n_scored].phrase = p;
                last_concept[n_scored] = concept_of[i];
                n_scored++;
            }
            else if (last_concept[slot] != concept_of[i]) {
                scored[slot].recall += weight_of[i];
                last_concept[slot] = concept_of[i];
            }
        }
    }
    for (Py_ssize_t i = 0; i < n_scored; i++) {
        slot_of[scored[i].phrase] = -1;
    }
    keep = keep < 0 ? 0 : keep > n_scored ? n_scored : keep;
    /* the ``keep`` best to the front (a partial selection), then those sorted */
    Py_ssize_t lo = 0, hi = n_scored - 1;
    while (keep > 0 && keep < n_scored && lo < hi) {
        Scored pivot = scored[lo + (hi - lo) / 2];
        Py_ssize_t i = lo, j = hi;
        while (i <= j) {
            while (scored_order(&scored[i], &pivot) < 0) {
                i++;
            }
            while (scored_order(&scored[j], &pivot) > 0) {
                j--;
            }
            if (i <= j) {
                Scored swap = scored[i];
                scored[i] = scored[j];
                scored[j] = swap;
                i++;
                j--;
            }
        }
        if (keep - 1 <= j) {
            hi = j;
        }
        else if (keep - 1 >= i) {
            lo = i;
        }
        else {
            break;
        }
    }
    qsort(scored, keep, sizeof(Scored), scored_order);
    for (Py_ssize_t i = 0; i < keep && n_chosen < k; i++) {
        int64_t entry = owners[scored[i].phrase];
        if (map_find(&seen, entry, 0, 0) < 0) {
            map_find(&seen, entry, 1, 0);
            chosen[n_chosen++] = entry;
        }
    }
    result = PyList_New(n_chosen);
    for (Py_ssize_t i = 0; result && i < n_chosen; i++) {
        PyObject *number = PyLong_FromLongLong(chosen[i]);
        if (!number) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, i, number);
    }
done:
    map_free(&seen);
    free(scored);
    free(last_concept);
    free(concept_of);
    free(weight_of);
    free(chosen);
    if (arrays) {
        for (Py_ssize_t i = 0; i < n_lists; i++) {
            array_release(&arrays[i]);
        }
        free(arrays);
    }
    array_release(&owner);
    return result;
}

/* -- found: which of a few entries hold each term ------------------------------------------- */

PyDoc_STRVAR(found_doc,
"found(docs, strong, starts, ends, entries, hit, named)\n\n"
"For each term t (its postings ``docs[starts[t]:ends[t]]``, int32 ascending) and each of\n"
"``entries`` (int32 ascending): whether the entry holds the term (into ``hit``, bool, terms x\n"
"entries) and whether in a naming field (``strong``, into ``named``).");

static PyObject *
found(PyObject *self, PyObject *args)
{
    PyObject *objects[7];
    if (!PyArg_ParseTuple(args, "OOOOOOO", &objects[0], &objects[1], &objects[2], &objects[3], &objects[4],
                          &objects[5], &objects[6])) {
        return NULL;
    }
    static const char kinds[] = "i?qqi??";
    static const char *names[] = {"docs", "strong", "starts", "ends", "entries", "hit", "named"};
    Array arrays[7];
    memset(arrays, 0, sizeof(arrays));
    PyObject *result = NULL;
    for (int i = 0; i < 7; i++) {
        if (array_get(objects[i], &arrays[i], kinds[i], i >= 5, names[i]) < 0) {
            goto done;
        }
    }
    const int32_t *docs = arrays[0].view.buf, *entries = arrays[4].view.buf;
    const uint8_t *strong = arrays[1].view.buf;
    const int64_t *starts = arrays[2].view.buf, *ends = arrays[3].view.buf;
    uint8_t *hit = arrays[5].view.buf, *named = arrays[6].view.buf;
    Py_ssize_t n_docs = array_len(&arrays[0]), n_terms = array_len(&arrays[2]), n_entries = array_len(&arrays[4]);
    int bad = array_len(&arrays[1]) != n_docs || array_len(&arrays[3]) != n_terms
              || array_len(&arrays[5]) != n_terms * n_entries || array_len(&arrays[6]) != n_terms * n_entries;
    for (Py_ssize_t t = 0; t < n_terms && !bad; t++) {
        bad = starts[t] < 0 || starts[t] > ends[t] || ends[t] > n_docs;
    }
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "found: inconsistent arrays");
        goto done;
    }
    for (Py_ssize_t t = 0; t < n_terms; t++) {
        Py_ssize_t lo = starts[t];
        for (Py_ssize_t e = 0; e < n_entries; e++) {
            /* the first posting at or after the entry; entries ascend, so the search goes on from there */
            Py_ssize_t hi = ends[t];
            while (lo < hi) {
                Py_ssize_t mid = lo + (hi - lo) / 2;
                if (docs[mid] < entries[e]) {
                    lo = mid + 1;
                }
                else {
                    hi = mid;
                }
            }
            int here = lo < ends[t] && docs[lo] == entries[e];
            hit[t * n_entries + e] = (uint8_t)here;
            named[t * n_entries + e] = (uint8_t)(here && strong[lo]);
        }
    }
    result = Py_NewRef(Py_None);
done:
    for (int i = 0; i < 7; i++) {
        array_release(&arrays[i]);
    }
    return result;
}

static PyMethodDef methods[] = {
    {"soft", soft, METH_VARARGS, soft_doc},
    {"phrase_overlap", phrase_overlap, METH_VARARGS, phrase_overlap_doc},
    {"closest_phrases", closest_phrases, METH_VARARGS, closest_phrases_doc},
    {"found", found, METH_VARARGS, found_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_kernels",
    .m_doc = "The answer engine's inner loops in C (see kernels.py).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__kernels(void)
{
    return PyModule_Create(&module);
}
