# Reference results from R sna for the tests of lgnet.stats.qap (an independent implementation).
#
# Run from the repository root:   Rscript scripts/r_reference.R
# Needs R with the sna and jsonlite packages (Debian: apt-get install r-cran-sna r-cran-jsonlite).
# Writes tests/fixtures/qap/<case>/{y.csv, <predictor>.csv, r_result.json}. The matrices are
# generated here (seeded) and rounded to 4 decimals so that the CSV files hold them exactly.
# CI has no R: the outputs are committed and the tests read them.

suppressPackageStartupMessages({
  library(sna)
  library(jsonlite)
})

out_root <- file.path("tests", "fixtures", "qap")
if (!dir.exists(out_root)) dir.create(out_root, recursive = TRUE)

REPS <- 5000  # permutations in R; the Monte Carlo error of its p-values is at most 0.5/sqrt(REPS)

labels_for <- function(n) sprintf("n%02d", seq_len(n))

sym <- function(m) {
  m[lower.tri(m)] <- t(m)[lower.tri(m)]
  diag(m) <- 0
  m
}

write_matrix <- function(m, path) {
  lab <- labels_for(nrow(m))
  df <- data.frame(node = lab, m, check.names = FALSE)
  names(df) <- c("node", lab)
  write.csv(df, path, row.names = FALSE, quote = FALSE)
}

versions <- list(
  R = R.version.string,
  sna = as.character(packageVersion("sna")),
  network = as.character(packageVersion("network")),
  jsonlite = as.character(packageVersion("jsonlite"))
)

save_case <- function(name, y, xs, fits, extra = list()) {
  dir <- file.path(out_root, name)
  if (!dir.exists(dir)) dir.create(dir)
  write_matrix(y, file.path(dir, "y.csv"))
  for (nm in names(xs)) write_matrix(xs[[nm]], file.path(dir, paste0(nm, ".csv")))
  res <- c(list(case = name, n = nrow(y), predictors = names(xs), terms = c("(intercept)", names(xs)),
                reps = REPS, versions = versions, script = "scripts/r_reference.R"),
           extra, list(fits = fits))
  write_json(res, file.path(dir, "r_result.json"), auto_unbox = TRUE, digits = NA, pretty = TRUE)
  cat("wrote", dir, "\n")
}

lm_result <- function(fit, nullhyp) {
  yv <- fit$fitted.values + fit$residuals  # the response over the dyads
  r2 <- 1 - sum(fit$residuals^2) / sum((yv - mean(yv))^2)
  list(nullhyp = nullhyp, coefficients = unname(fit$coefficients), tstat = unname(fit$tstat),
       p_two_sided = unname(fit$pgreqabs), p_less = unname(fit$pleeq), p_greater = unname(fit$pgreq),
       r_squared = r2, adj_r_squared = 1 - (1 - r2) * (fit$n - 1) / fit$df.residual,
       n_dyads = fit$n, df_residual = fit$df.residual)
}

logit_result <- function(fit, nullhyp) {
  list(nullhyp = nullhyp, coefficients = unname(fit$coefficients), se = unname(fit$se),
       tstat = unname(fit$tstat), p_two_sided = unname(fit$pgreqabs), p_less = unname(fit$pleeq),
       p_greater = unname(fit$pgreq), deviance = fit$deviance, null_deviance = fit$null.deviance,
       n_dyads = fit$n)
}

stack_x <- function(xs) {
  arr <- array(0, dim = c(length(xs), nrow(xs[[1]]), ncol(xs[[1]])))
  for (i in seq_along(xs)) arr[i, , ] <- xs[[i]]
  arr
}

# ---- case 1: undirected, n = 20, three predictors (continuous, same-group, distance) ----------
set.seed(20240501)
n <- 20
grp <- sample(1:4, n, replace = TRUE)
pos <- cbind(runif(n), runif(n))
x_cont <- sym(round(matrix(rnorm(n * n), n), 4))
x_same <- outer(grp, grp, "==") * 1; diag(x_same) <- 0
x_dist <- round(as.matrix(dist(pos)), 4)
y <- sym(round(0.4 * x_same - 0.8 * x_dist + 0.1 * x_cont + matrix(rnorm(n * n), n), 4))
xs <- list(cont = x_cont, same_group = x_same, distance = x_dist)
fits <- list(
  qapspp = lm_result(netlm(y, stack_x(xs), mode = "graph", nullhyp = "qapspp", reps = REPS), "qapspp"),
  qapy = lm_result(netlm(y, stack_x(xs), mode = "graph", nullhyp = "qapy", reps = REPS), "qapy")
)
save_case("ols_undirected_n20", y, xs, fits, list(model = "ols", directed = FALSE))

# ---- case 2: directed, n = 15, two predictors ------------------------------------------------
set.seed(20240502)
n <- 15
a <- round(rnorm(n), 4)
x_sender <- matrix(a, n, n)                       # attribute of the sender (row)
x_cont <- round(matrix(rnorm(n * n), n), 4)
diag(x_sender) <- 0; diag(x_cont) <- 0
y <- round(0.3 * x_sender + 0.2 * x_cont + matrix(rnorm(n * n), n), 4)
diag(y) <- 0
xs <- list(sender = x_sender, cont = x_cont)
fits <- list(
  qapspp = lm_result(netlm(y, stack_x(xs), mode = "digraph", nullhyp = "qapspp", reps = REPS), "qapspp"),
  qapy = lm_result(netlm(y, stack_x(xs), mode = "digraph", nullhyp = "qapy", reps = REPS), "qapy")
)
save_case("ols_directed_n15", y, xs, fits, list(model = "ols", directed = TRUE))

# ---- case 3: undirected binary response, n = 30, three predictors: logistic ------------------
set.seed(20240503)
n <- 30
grp <- sample(1:3, n, replace = TRUE)
pos <- cbind(runif(n), runif(n))
x_same <- outer(grp, grp, "==") * 1; diag(x_same) <- 0
x_dist <- round(as.matrix(dist(pos)), 4)
x_cont <- sym(round(matrix(rnorm(n * n), n), 4))
eta <- -0.5 + 0.6 * x_same - 1.5 * x_dist + 0.1 * x_cont
y <- sym((matrix(runif(n * n), n) < plogis(eta)) * 1)
xs <- list(same_group = x_same, distance = x_dist, cont = x_cont)
fits <- list(
  qapy = logit_result(netlogit(y, stack_x(xs), mode = "graph", nullhyp = "qapy", reps = REPS), "qapy")
)
save_case("logit_undirected_n30", y, xs, fits, list(model = "logit", directed = FALSE))
