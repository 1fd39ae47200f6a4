{
  # Built by scripts/build-native.mjs (npm install / npm run build:native).
  # No -march: the addon must run on any x86-64; oneDNN picks AVX2/AVX-512 kernels at run time.
  "variables": {
    "dnnl_root%": "<!(node -p \"process.env.DNNL_ROOT || ''\")",
    # Set by scripts/build-cuda.mjs after nvcc built native/build-cuda/libblocksmith_cuda.a;
    # a plain `node-gyp rebuild` gets the stub (cuda_stub.cc).
    "cuda%": "<!(node -p \"process.env.BLOCKSMITH_GYP_CUDA || '0'\")",
    "cuda_lib%": "<!(node -p \"process.env.BLOCKSMITH_GYP_CUDA_LIB || ''\")",
    "cuda_libdir%": "<!(node -p \"process.env.BLOCKSMITH_GYP_CUDA_LIBDIR || ''\")",
    "cublas%": "<!(node -p \"process.env.BLOCKSMITH_GYP_CUBLAS || '0'\")",
  },
  "targets": [
    {
      "target_name": "blocksmith_native",
      "sources": [
        "src/addon.cc",
        "src/api_memory.cc",
        "src/api_elementwise.cc",
        "src/api_reduce.cc",
        "src/api_linalg.cc",
        "src/api_conv.cc",
        "src/args.cc",
        "src/buffer.cc",
        "src/errors.cc",
        "src/backend_cpu.cc",
        "src/dnnl_common.cc",
        "src/threading.cc",
        "src/plan.cc",
        "src/net_plan.cc",
        "src/net_plan_steps.cc",
        "src/net_plan_conv.cc",
        "src/net_plan_seq.cc",
        "src/net_plan_shape.cc",
        "src/net_plan_deconv.cc",
        "src/net_plan_winograd.cc",
        "src/net_plan_rnn.cc",
        "src/api_plan.cc",
        "src/gpu_plan.cc",
        "src/gpu_plan_conv.cc",
        "src/gpu_plan_rows.cc",
        "src/gpu_plan_seq.cc",
        "src/gpu_plan_rnn.cc",
        "src/gpu_plan_shape.cc",
        "src/api_gpu_plan.cc",
        "src/ops/fill_cast_cpu.cc",
        "src/ops/random_cpu.cc",
        "src/ops/strided_cpu.cc",
        "src/ops/unary_cpu.cc",
        "src/ops/binary_cpu.cc",
        "src/ops/reduce_cpu.cc",
        "src/ops/softmax_cpu.cc",
        "src/ops/matmul_cpu.cc",
        "src/ops/linear_cpu.cc",
        "src/ops/linear_plan.cc",
        "src/ops/packed_gemm.cc",
        "src/ops/linear_backward.cc",
        "src/ops/optimizer_cpu.cc",
        "src/ops/conv_cpu.cc",
        "src/ops/conv_blocked.cc",
        "src/ops/pool_cpu.cc",
        "src/api_fused.cc",
        "src/api_norm.cc",
        "src/ops/batch_norm_cpu.cc",
        "src/ops/layer_norm_cpu.cc",
        "src/ops/pad_cpu.cc",
        "src/api_take.cc",
        "src/ops/take_cpu.cc",
        "src/api_rnn.cc",
        "src/ops/rnn_cpu.cc"
      ],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include\")"
      ],
      # NAPI_EXPERIMENTAL: basic finalizers (src/api_memory.cc), which free native memory during GC.
      "defines": ["NAPI_EXPERIMENTAL", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-Wall", "-Wextra", "-O3", "-ftree-vectorize", "-fopenmp"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl"],
      "conditions": [
        # The static CUDA runtime: the addon loads (and reports "no NVIDIA driver") on machines
        # without CUDA; libcuda.so, the driver, is opened at run time. (gyp turns "1" into an int.)
        ["cuda==1", {
          "libraries": ["<(cuda_lib)", "-L<(cuda_libdir)", "-lcudart_static", "-ldl", "-lrt", "-lpthread"],
          "conditions": [
            ["cublas=='static'", { "libraries": ["-lcublas_static", "-lcublasLt_static", "-lculibos"] }],
            ["cublas=='shared'", { "libraries": ["-lcublas", "-Wl,-rpath,<(cuda_libdir)"] }]
          ]
        }, {
          "sources": ["src/cuda_stub.cc"]
        }],
        ["dnnl_root!=''", {
          "include_dirs": ["<(dnnl_root)/include"],
          "libraries": ["-L<(dnnl_root)/lib", "-Wl,-rpath,<(dnnl_root)/lib"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "GCC_ENABLE_CPP_RTTI": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "OTHER_CPLUSPLUSFLAGS": ["-Wall", "-Wextra", "-O3", "-Xpreprocessor", "-fopenmp"],
            "OTHER_LDFLAGS": ["-lomp"]
          }
        }]
      ]
    }
  ]
}
