// BS_HD marks functions that both the host compiler and nvcc compile (rules shared by the CPU and
// CUDA backends, and the kernels' index arithmetic tested on the host).
#pragma once

#ifdef __CUDACC__
#define BS_HD __host__ __device__
#else
#define BS_HD
#endif
