function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000034Fh
  001d  sub       rsp,10h
  0024  sub       r13,16h
  002b  js        0000000000000050h
  0031  mov       rbx,[rbp+10h]
  0038  mov       rsi,[rbp+10h]
  003f  imul      rsi,rbx
  0043  mov       [rbp+10h],rsi
  004a  mov       rsp,rbp
  004d  pop       rbp
  004e  ret
  004f  int3
  0050  mov       [r15+20h],r13
  0057  mov       rdi,r15
  005a  mov       rsi,rsp
  005d  mov       rdx,r11
  0060  call      0000000000000065h
  0065  mov       r13,[r15+20h]
  006c  test      eax,eax
  006e  jne       00000000000002FAh
  0074  mov       r14,[r15]
  007b  jmp       0000000000000031h
function 1 (defined 1):
  0080  endbr64
  0084  push      rbp
  0085  mov       rbp,rsp
  0088  lea       rax,[rsp-10h]
  0090  cmp       rax,[r15+10h]
  0097  jb        000000000000034Fh
  009d  sub       rsp,10h
  00a4  sub       r13,12h
  00ab  js        000000000000016Ch
  00b1  mov       r11,[rbp+10h]
  00b8  mov       [rsp],r11
  00c0  call      0
  00c5  mov       r14,[r15]
  00cc  mov       rbx,[rsp]
  00d4  xor       esi,esi
  00d7  mov       r11,[rbp+10h]
  00de  mov       [rsp],r11
  00e6  mov       [rbp-8],rbx
  00ed  sub       r13,3
  00f1  cmp       rsi,[r15+40h]
  00f8  mov       r11d,0
  00fe  cmovae    rsi,r11
  0102  jae       0000000000000313h
  0108  shl       rsi,5
  010c  mov       r11,[r15+38h]
  0113  add       r11,rsi
  0116  mov       r10,[r11]
  0119  test      r10,r10
  011c  je        000000000000031Dh
  0122  cmp       qword ptr [r11+8],7FFFFFFFh
  012a  jne       0000000000000327h
  0130  cmp       [r11+10h],r15
  0134  jne       000000000000019Ch
  013a  mov       r11,r10
  013d  call      0000000000000142h
  0142  mov       r14,[r15]
  0149  mov       rbx,[rsp]
  0151  mov       rsi,[rbp-8]
  0158  add       rsi,rbx
  015b  sub       r13,4
  015f  mov       [rbp+10h],rsi
  0166  mov       rsp,rbp
  0169  pop       rbp
  016a  ret
  016b  int3
  016c  mov       [r15+20h],r13
  0173  mov       rdi,r15
  0176  mov       rsi,rsp
  0179  mov       rdx,r11
  017c  call      0000000000000181h
  0181  mov       r13,[r15+20h]
  0188  test      eax,eax
  018a  jne       00000000000002FAh
  0190  mov       r14,[r15]
  0197  jmp       00000000000000B1h
  019c  sub       r13,64h
  01a0  mov       [r15+20h],r13
  01a7  mov       rdi,r15
  01aa  mov       rsi,rsp
  01ad  mov       rdx,r11
  01b0  call      00000000000001B5h
  01b5  mov       r13,[r15+20h]
  01bc  test      eax,eax
  01be  jne       00000000000002FAh
  01c4  mov       r14,[r15]
  01cb  jmp       0000000000000142h
