# The reference: R surveillance's earsC and farringtonFlexible on a batch of series (measure 15;
# tests/rules/aberration). Usage: Rscript surveillance_oracle.R SPECS.csv COUNTS.csv OUT.csv
#   SPECS.csv: case,method,freq,alpha,baseline,years — method C1, C2, C3 or farrington; freq 52 or 365 (an sts with
#     positional epochs, no dates); alpha, baseline (EARS days), years (Farrington's b): a number, or NA to leave
#     surveillance's default.
#   COUNTS.csv: case,count — each case's counts in order.
# OUT.csv: case,index,upperbound,alarm for every epoch judged (1-based index; NA where R gives NA or NaN).
# Base R only besides surveillance, so that CI's r-cran-surveillance is all it needs.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
specs <- read.csv(args[1], stringsAsFactors = FALSE, colClasses = "character")
counts <- read.csv(args[2], stringsAsFactors = FALSE)
given <- function(v) !is.na(v) && v != "NA"
judged <- lapply(seq_len(nrow(specs)), function(i) {
  spec <- specs[i, ]
  observed <- counts$count[counts$case == spec$case]
  freq <- as.integer(spec$freq)
  series <- sts(observed = matrix(observed, ncol = 1), frequency = freq, start = c(2000, 1))
  if (spec$method == "farrington") {
    control <- list()
    if (given(spec$alpha)) control$alpha <- as.numeric(spec$alpha)
    if (given(spec$years)) control$b <- as.integer(spec$years)
    result <- suppressWarnings(farringtonFlexible(series, control = control))
    first <- freq * (if (given(spec$years)) as.integer(spec$years) else 5) + 3 + 1
  } else {
    control <- list(method = spec$method)
    if (given(spec$alpha)) control$alpha <- as.numeric(spec$alpha)
    if (given(spec$baseline)) control$baseline <- as.integer(spec$baseline)
    result <- earsC(series, control = control)
    b <- if (given(spec$baseline)) as.integer(spec$baseline) else 7
    first <- b + switch(spec$method, C1 = 1, C2 = 3, C3 = 5)
  }
  upper <- as.vector(result@upperbound)
  alarm <- as.vector(result@alarm)
  data.frame(
    case = spec$case,
    index = seq(first, length.out = length(upper)),
    upperbound = ifelse(is.na(upper), "NA", sprintf("%.17g", upper)),
    alarm = ifelse(is.na(alarm), "NA", ifelse(alarm, "TRUE", "FALSE"))
  )
})
write.csv(do.call(rbind, judged), args[3], row.names = FALSE, quote = FALSE)
