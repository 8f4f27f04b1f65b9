function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000032Fh
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  sub       r13,1Ch
  0036  js        0000000000000085h
  003c  mov       ebx,[rbp+18h]
  0043  mov       esi,[rbp+10h]
  004a  imul      esi,ebx
  004e  mov       [rbp-8],rsi
  0055  mov       ebx,[rbp+10h]
  005c  mov       edi,10h
  0062  mov       [r14+rdi],ebx
  006a  mov       [rbp-10h],rsi
  0071  mov       r11,[rbp-10h]
  0078  mov       [rbp+10h],r11
  007f  mov       rsp,rbp
  0082  pop       rbp
  0083  ret
  0084  int3
  0085  mov       [r15+20h],r13
  008c  mov       rdi,r15
  008f  mov       rsi,rsp
  0092  mov       rdx,r11
  0095  call      000000000000009Ah
  009a  mov       r13,[r15+20h]
  00a1  test      eax,eax
  00a3  jne       00000000000002DAh
  00a9  mov       r14,[r15]
  00b0  mov       r10,[r15+8]
  00b7  jmp       000000000000003Ch
function 1 (defined 1):
  00c0  endbr64
  00c4  push      rbp
  00c5  mov       rbp,rsp
  00c8  lea       rax,[rsp-10h]
  00d0  cmp       rax,[r15+10h]
  00d7  jb        000000000000032Fh
  00dd  sub       rsp,10h
  00e4  mov       qword ptr [rbp-8],0
  00ef  mov       ebx,[rbp+18h]
  00f6  sub       r13,18h
  00fd  js        0000000000000145h
  0103  mov       rsi,rbx
  0106  imul      esi,3
  010d  mov       [rbp-8],rsi
  0114  mov       edi,[rbp+10h]
  011b  test      edi,edi
  011e  jne       000000000000012Eh
  0124  mov       ebx,5
  012a  sub       r13,3
  012e  mov       rdi,rsi
  0131  add       edi,ebx
  0134  sub       r13,6
  0138  mov       [rbp+10h],rdi
  013f  mov       rsp,rbp
  0142  pop       rbp
  0143  ret
  0144  int3
  0145  mov       [rbp+18h],rbx
  014c  mov       [r15+20h],r13
  0153  mov       rdi,r15
  0156  mov       rsi,rsp
  0159  mov       rdx,r11
  015c  call      0000000000000161h
  0161  mov       r13,[r15+20h]
  0168  test      eax,eax
  016a  jne       00000000000002DAh
  0170  mov       r14,[r15]
  0177  mov       r10,[r15+8]
  017e  mov       rbx,[rbp+18h]
  0185  jmp       0000000000000103h
